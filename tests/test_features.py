"""Front end: streaming equals whole-clip features bit for bit, and the kernel matches reference definitions."""

from pathlib import Path

import librosa
import numpy as np
import pytest
import scipy.fft

from kwapp.audio.wavio import read_audio
from kwapp.config import FeatureConfig
from kwapp.features.frontend import FeatureExtractor, StreamingFrontend, mel_filterbank

DATA = Path(__file__).parent / "data" / "kws"
CLIP = DATA / "yes" / "1acc97de_nohash_0.flac"  # a real 1 s Speech Commands clip


def stream(extractor: FeatureExtractor, samples: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    """Features and log-mel of samples pushed in blocks of `block` samples."""
    frontend = StreamingFrontend(extractor)
    feats, logmels = [], []
    for start in range(0, len(samples), block):
        f, m = frontend.push(samples[start : start + block])
        feats.append(f)
        logmels.append(m)
    return np.concatenate(feats), np.concatenate(logmels)


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    return read_audio(CLIP)


@pytest.mark.parametrize("block", [1, 160, 441, 512, 4000])
def test_streaming_blocks_equal_whole_clip(speech, block):
    extractor = FeatureExtractor()
    feats, logmel = stream(extractor, speech, block)
    whole = extractor.clip_features(speech)
    assert whole.shape == (extractor.n_frames(len(speech)), 40)
    assert np.array_equal(feats, whole)
    assert np.array_equal(logmel, extractor.frames_to_logmel(extractor.frame_signal(speech)))


@pytest.mark.parametrize("block", [1, 441, 4000])
def test_streaming_logmel_kind_equals_whole_clip(speech, block):
    extractor = FeatureExtractor(FeatureConfig(kind="logmel"))
    feats, _ = stream(extractor, speech, block)
    assert np.array_equal(feats, extractor.clip_features(speech))


def test_streaming_frame_count_and_reset(speech):
    extractor = FeatureExtractor()
    frontend = StreamingFrontend(extractor)
    first, _ = frontend.push(speech)
    assert frontend.frames_out == extractor.n_frames(len(speech))
    frontend.reset()
    again, _ = frontend.push(speech)
    assert np.array_equal(again, first)


def test_short_block_yields_no_frame():
    extractor = FeatureExtractor()
    feats, logmel = StreamingFrontend(extractor).push(np.zeros(extractor.cfg.window_samples - 1, np.float32))
    assert feats.shape == (0, extractor.cfg.n_features)
    assert logmel.shape == (0, extractor.cfg.n_mels)


def test_mel_filterbank_matches_librosa():
    cfg = FeatureConfig()
    expected = librosa.filters.mel(
        sr=16000, n_fft=512, n_mels=40, fmin=20, fmax=7600, htk=True, norm=None
    )  # (n_mels, n_bins)
    ours = mel_filterbank(cfg)  # (n_bins, n_mels)
    assert ours.shape == (257, 40)
    np.testing.assert_allclose(ours, expected.T, rtol=1e-6, atol=1e-7)


def test_frame_geometry_default():
    cfg = FeatureConfig()
    assert cfg.window_samples == 480  # 30 ms at 16 kHz
    assert cfg.hop_samples == 160  # 10 ms
    assert FeatureExtractor(cfg).n_frames(16000) == 98


def test_default_kind_is_mfcc():
    # FeatureConfig documents why: 40 MFCC from 40 mel bands is the input Keyword Mamba and KWT were published with.
    cfg = FeatureConfig()
    assert cfg.kind == "mfcc"
    assert cfg.n_features == 40


def test_mfcc_is_orthonormal_dct_of_logmel(speech):
    extractor = FeatureExtractor()
    frames = extractor.frame_signal(speech)
    expected = scipy.fft.dct(extractor.frames_to_logmel(frames).astype(np.float64), type=2, norm="ortho", axis=-1)
    np.testing.assert_allclose(extractor.frames_to_features(frames), expected[:, :40], rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("kind", ["mfcc", "logmel"])
def test_digital_silence_gives_finite_features(kind):
    extractor = FeatureExtractor(FeatureConfig(kind=kind))
    feats = extractor.clip_features(np.zeros(16000, np.float32))
    assert feats.shape == (98, 40)
    assert np.isfinite(feats).all()


def test_digital_silence_logmel_is_log_floor():
    cfg = FeatureConfig()
    logmel = FeatureExtractor(cfg).frames_to_logmel(np.zeros((3, cfg.window_samples), np.float32))
    np.testing.assert_allclose(logmel, np.log(np.float32(cfg.log_floor)), rtol=1e-6)
