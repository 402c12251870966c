"""ToMono16k: channel pick or downmix, then streaming soxr resampling to 16 kHz."""

import numpy as np
import pytest

from kwapp.audio.resample import ToMono16k


def resample_in_blocks(rate_hz: int, block: int, signal: np.ndarray, channel=None) -> np.ndarray:
    convert = ToMono16k(rate_hz, signal.shape[1], channel)
    pieces = [convert.push(signal[i : i + block]) for i in range(0, len(signal), block)]
    return np.concatenate(pieces + [convert.flush()])


def tone(rate_hz: int, freq_hz: float, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate_hz * seconds)) / rate_hz
    return (amplitude * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def dominant_hz(x: np.ndarray, rate_hz: int = 16000) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * rate_hz / len(x))


@pytest.mark.parametrize("rate_hz", [8000, 22050, 44100, 48000])
def test_resample_block_size_invariant(rate_hz):
    rng = np.random.default_rng(rate_hz)
    signal = (0.1 * rng.standard_normal((rate_hz * 2, 2))).astype(np.float32)
    whole = resample_in_blocks(rate_hz, len(signal), signal)
    for block in (1, 7, 160, 441, 480, 4096):
        assert np.array_equal(resample_in_blocks(rate_hz, block, signal), whole), f"block {block}"


@pytest.mark.parametrize("rate_hz", [8000, 44100, 48000])
def test_resample_output_length(rate_hz):
    signal = np.zeros((rate_hz * 3, 1), dtype=np.float32)
    assert len(resample_in_blocks(rate_hz, 1024, signal)) == 48000


def test_resample_keeps_tone_frequency():
    out = resample_in_blocks(48000, 480, tone(48000, 1000.0, 1.0)[:, None])
    assert abs(dominant_hz(out[2000:-2000]) - 1000.0) <= 2.0


def test_resample_removes_above_nyquist():
    """A 10 kHz tone at 48 kHz cannot exist at 16 kHz; soxr must filter it, not alias it to 6 kHz."""
    out = resample_in_blocks(48000, 480, tone(48000, 10000.0, 1.0)[:, None])
    rms = np.sqrt(np.mean(np.square(out[2000:-2000], dtype=np.float64)))
    assert 20 * np.log10(rms + 1e-12) < -60.0


def test_16k_passes_through():
    signal = tone(16000, 440.0, 0.5)[:, None]
    convert = ToMono16k(16000, 1)
    assert np.array_equal(convert.push(signal), signal[:, 0])
    assert len(convert.flush()) == 0


def test_channel_pick():
    left, right = tone(16000, 440.0, 0.1), tone(16000, 1000.0, 0.1, 0.2)
    convert = ToMono16k(16000, 2, channel=1)
    assert np.array_equal(convert.push(np.stack([left, right], axis=1)), right)


def test_stereo_downmix_averages():
    left = np.full(100, 0.5, dtype=np.float32)
    right = np.zeros(100, dtype=np.float32)
    out = ToMono16k(16000, 2).push(np.stack([left, right], axis=1))
    assert np.allclose(out, 0.25)


def test_multichannel_downmix_averages():
    block = np.tile(np.array([0.3, 0.0, 0.0, -0.3, 0.6], dtype=np.float32), (50, 1))
    assert np.allclose(ToMono16k(16000, 5).push(block), 0.12)


def test_missing_channel_rejected():
    with pytest.raises(ValueError, match="channel 2 does not exist"):
        ToMono16k(48000, 2, channel=2)


@pytest.mark.parametrize("rate_hz", [16000, 48000])
def test_all_formats_resample_equal(rate_hz):
    rng = np.random.default_rng(1)
    pcm = (rng.standard_normal((rate_hz, 2)) * 4000).clip(-32768, 32767).astype(np.int16)
    outputs = [
        resample_in_blocks(rate_hz, 512, pcm),
        resample_in_blocks(rate_hz, 512, pcm.astype(np.int32) << 16),
        resample_in_blocks(rate_hz, 512, pcm.astype(np.float32) / 32768),
        resample_in_blocks(rate_hz, 512, pcm.astype(np.float64) / 32768),
    ]
    for other in outputs[1:]:
        assert np.array_equal(other, outputs[0])


def test_over_full_scale_saturates_before_resampling():
    """1.5 is clipped to full scale before soxr, so it resamples exactly like 1.0 does.

    The output can still exceed 1.0 a little where the filter rings at the step.
    """
    over = resample_in_blocks(48000, 480, np.full((4800, 1), 1.5, dtype=np.float64))
    full = resample_in_blocks(48000, 480, np.full((4800, 1), 1.0, dtype=np.float64))
    assert np.array_equal(over, full)
    assert np.allclose(over[200:-200], 1.0, atol=1e-3)
