"""FileSource: a WAV/FLAC file played as a microphone (16 kHz mono float32 blocks, then EndOfStream)."""

import numpy as np
import pytest

from helpers_audio import CLIPS, DATA, read_16k, write_audio
from kwapp.audio.replay import FileSource
from kwapp.audio.resample import ToMono16k
from kwapp.audio.source import EndOfStream
from kwapp.audio.wavio import AudioFileError


def drain(source: FileSource) -> tuple[np.ndarray, int]:
    """All blocks up to EndOfStream, concatenated, and the number of read() calls."""
    source.start()
    blocks = []
    try:
        while True:
            blocks.append(source.read())
    except EndOfStream:
        pass
    finally:
        source.stop()
    return np.concatenate(blocks), len(blocks)


def test_replay_16k_flac_exact():
    out, _ = drain(FileSource(DATA / CLIPS["yes"]))
    assert np.array_equal(out, read_16k(CLIPS["yes"]))


def test_replay_ends_with_stats():
    source = FileSource(DATA / CLIPS["go"])
    drain(source)
    assert source.stats.ended


def test_replay_48k_stereo_matches_one_block(tmp_path):
    rng = np.random.default_rng(3)
    signal = (0.2 * rng.standard_normal((48000, 2))).astype(np.float32)
    path = write_audio(tmp_path / "noise48k.wav", signal, 48000, "FLOAT")
    out, _ = drain(FileSource(path))
    convert = ToMono16k(48000, 2)
    whole = np.concatenate([convert.push(signal), convert.flush()])
    assert np.array_equal(out, whole)


def test_replay_stats_native_format(tmp_path):
    path = write_audio(tmp_path / "s.wav", np.zeros((4410, 2), dtype=np.float32), 44100)
    source = FileSource(path)
    assert source.stats.native_rate_hz == 44100
    assert source.stats.channels == 2


def test_replay_channel_pick(tmp_path):
    left = np.zeros(1600, dtype=np.float32)
    right = np.full(1600, 0.25, dtype=np.float32)
    path = write_audio(tmp_path / "lr.wav", np.stack([left, right], axis=1), subtype="FLOAT")
    out, _ = drain(FileSource(path, channel=1))
    assert np.array_equal(out, right)


def test_replay_float_over_full_scale_saturates(tmp_path):
    samples = np.array([0.5, 1.5, -1.5, 3.0, -0.25], dtype=np.float32).repeat(100)
    path = write_audio(tmp_path / "hot.wav", samples, subtype="FLOAT")
    out, _ = drain(FileSource(path))
    assert out.max() == 1.0
    assert out.min() == -1.0
    assert np.array_equal(out, np.clip(samples, -1.0, 1.0))


def test_replay_block_length(tmp_path):
    path = write_audio(tmp_path / "z.wav", np.full(16000, 0.1, dtype=np.float32))
    source = FileSource(path, block_ms=20.0)
    source.start()
    assert len(source.read()) == 320
    source.stop()


def test_replay_loop_repeats(tmp_path):
    samples = np.linspace(-0.5, 0.5, 800, dtype=np.float32)
    path = write_audio(tmp_path / "ramp.wav", samples, subtype="FLOAT")
    source = FileSource(path, loop=True)
    source.start()
    blocks = []
    while sum(len(b) for b in blocks) < 3 * len(samples):
        blocks.append(source.read())
    source.stop()
    out = np.concatenate(blocks)
    assert np.array_equal(out[: 3 * len(samples)], np.tile(samples, 3))


def test_replay_unreadable_file(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("not audio")
    with pytest.raises(AudioFileError, match="notes.wav"):
        FileSource(path)


def test_replay_missing_channel(tmp_path):
    path = write_audio(tmp_path / "mono.wav", np.zeros(160, dtype=np.float32))
    with pytest.raises(ValueError, match="channel 1 does not exist"):
        FileSource(path, channel=1)
