"""Cutting a recorded take to the model's clip length around its speech (energy based)."""

from __future__ import annotations

import numpy as np

from kwapp.audio.wavio import fit_length

FRAME_SAMPLES = 160  # 10 ms at 16 kHz


def loudest_window(samples: np.ndarray, n_samples: int) -> int:
    """Start of the n_samples window with the most energy (10 ms resolution)."""
    n_frames = len(samples) // FRAME_SAMPLES
    energy = np.square(samples[: n_frames * FRAME_SAMPLES], dtype=np.float64).reshape(n_frames, -1).sum(axis=1)
    width = max(1, n_samples // FRAME_SAMPLES)
    if n_frames <= width:
        return 0
    sums = np.convolve(energy, np.ones(width), mode="valid")
    return int(np.argmax(sums)) * FRAME_SAMPLES


def trim_to_speech(samples: np.ndarray, n_samples: int) -> np.ndarray:
    """Exactly n_samples: the loudest stretch of a long take, or a short take centred in zeros."""
    samples = np.asarray(samples, dtype=np.float32)
    if len(samples) > n_samples:
        start = loudest_window(samples, n_samples)
        return samples[start : start + n_samples]
    pad = (n_samples - len(samples)) // 2
    return fit_length(np.pad(samples, (pad, 0)), n_samples)
