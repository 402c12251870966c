"""Log-mel / MFCC features computed the same way offline and in streaming.

Every frame is computed by one row-independent kernel (`FeatureExtractor.frames_to_features`), so a
frame's values never depend on how many frames are computed together. numpy's BLAS matmul does not
have that property (its blocking depends on the row count), which is why the projections use
`np.einsum(..., optimize=False)`.
"""

from __future__ import annotations

import numpy as np
import scipy.fft

from kwapp.config import FeatureConfig


def hz_to_mel(freq_hz: np.ndarray | float) -> np.ndarray:
    """HTK mel scale."""
    return 2595.0 * np.log10(1.0 + np.asarray(freq_hz, dtype=np.float64) / 700.0)


def mel_to_hz(mel: np.ndarray | float) -> np.ndarray:
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(cfg: FeatureConfig) -> np.ndarray:
    """Triangular HTK-mel filters without area normalisation, shape (n_fft // 2 + 1, n_mels)."""
    n_bins = cfg.n_fft // 2 + 1
    bin_hz = np.linspace(0.0, cfg.sample_rate_hz / 2, n_bins)
    edges_hz = mel_to_hz(np.linspace(hz_to_mel(cfg.fmin_hz), hz_to_mel(cfg.fmax_hz), cfg.n_mels + 2))
    lower, centre, upper = edges_hz[:-2, None], edges_hz[1:-1, None], edges_hz[2:, None]
    rising = (bin_hz[None, :] - lower) / (centre - lower)
    falling = (upper - bin_hz[None, :]) / (upper - centre)
    weights = np.maximum(0.0, np.minimum(rising, falling))  # (n_mels, n_bins)
    return weights.T.astype(np.float32)


def dct_matrix(n_in: int, n_out: int) -> np.ndarray:
    """Orthonormal DCT-II as a matrix, shape (n_in, n_out)."""
    k = np.arange(n_out)[None, :]
    n = np.arange(n_in)[:, None]
    basis = np.cos(np.pi / n_in * (n + 0.5) * k) * np.sqrt(2.0 / n_in)
    basis[:, 0] /= np.sqrt(2.0)
    return basis.astype(np.float32)


class FeatureExtractor:
    """Stateless feature kernel: frames of samples in, one feature vector per frame out."""

    def __init__(self, cfg: FeatureConfig | None = None):
        self.cfg = cfg or FeatureConfig()
        self.window = np.hanning(self.cfg.window_samples + 2)[1:-1].astype(np.float32)  # no zero end points
        self.mel = mel_filterbank(self.cfg)
        self.dct = dct_matrix(self.cfg.n_mels, self.cfg.n_mfcc)

    def frames_to_logmel(self, frames: np.ndarray) -> np.ndarray:
        """(n, window_samples) float32 -> (n, n_mels) natural-log mel power."""
        spectrum = scipy.fft.rfft(frames * self.window, n=self.cfg.n_fft, axis=-1)
        power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
        mel_power = np.einsum("nk,km->nm", power, self.mel, optimize=False)
        return np.log(mel_power + np.float32(self.cfg.log_floor))

    def frames_to_features(self, frames: np.ndarray) -> np.ndarray:
        """(n, window_samples) float32 -> (n, n_features) float32 model input."""
        logmel = self.frames_to_logmel(frames)
        if self.cfg.kind == "logmel":
            return logmel
        return np.einsum("nm,mc->nc", logmel, self.dct, optimize=False)

    def frame_signal(self, samples: np.ndarray) -> np.ndarray:
        """Cut a 1-D signal into (n, window) frames; frame i starts at i * hop, no padding."""
        win, hop = self.cfg.window_samples, self.cfg.hop_samples
        n_frames = 0 if len(samples) < win else 1 + (len(samples) - win) // hop
        if n_frames == 0:
            return np.zeros((0, win), dtype=np.float32)
        view = np.lib.stride_tricks.sliding_window_view(samples, win)[::hop][:n_frames]
        return np.ascontiguousarray(view, dtype=np.float32)

    def clip_features(self, samples: np.ndarray) -> np.ndarray:
        """Whole-clip features, identical to streaming the same samples from an empty state."""
        return self.frames_to_features(self.frame_signal(np.asarray(samples, dtype=np.float32)))

    def batch_features(self, clips: np.ndarray) -> np.ndarray:
        """(batch, samples) -> (batch, frames, n_features), all clips the same length."""
        batch, length = clips.shape
        frames = np.stack([self.frame_signal(clip) for clip in clips])  # (B, T, win)
        feats = self.frames_to_features(frames.reshape(-1, frames.shape[-1]))
        return feats.reshape(batch, frames.shape[1], -1)

    def n_frames(self, n_samples: int) -> int:
        win, hop = self.cfg.window_samples, self.cfg.hop_samples
        return 0 if n_samples < win else 1 + (n_samples - win) // hop


class StreamingFrontend:
    """Features for samples that arrive in blocks of any size.

    Keeps the last `window - hop` samples between calls, so frame i always covers samples
    [i * hop, i * hop + window) of the stream, as in `FeatureExtractor.clip_features`.
    """

    def __init__(self, extractor: FeatureExtractor):
        self.extractor = extractor
        self._pending = np.zeros(0, dtype=np.float32)
        self.frames_out = 0  # frames produced since the last reset

    def reset(self) -> None:
        self._pending = np.zeros(0, dtype=np.float32)
        self.frames_out = 0

    def push(self, block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Add float32 mono 16 kHz samples; return (features, logmel) for each completed frame."""
        self._pending = np.concatenate([self._pending, np.asarray(block, dtype=np.float32)])
        frames = self.extractor.frame_signal(self._pending)
        n = len(frames)
        if n == 0:
            empty = np.zeros((0, self.extractor.cfg.n_features), dtype=np.float32)
            return empty, np.zeros((0, self.extractor.cfg.n_mels), dtype=np.float32)
        self._pending = self._pending[n * self.extractor.cfg.hop_samples :]
        logmel = self.extractor.frames_to_logmel(frames)
        feats = logmel if self.extractor.cfg.kind == "logmel" else np.einsum(
            "nm,mc->nc", logmel, self.extractor.dct, optimize=False
        )
        self.frames_out += n
        return feats, logmel
