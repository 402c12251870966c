"""Reading audio files into float32 mono 16 kHz, and atomic WAV writes."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from kwapp.config import SAMPLE_RATE_HZ, atomic_write_bytes
from kwapp.messages import msg

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")


class AudioFileError(ValueError):
    """An audio file that cannot be read; the message names the file and what to do."""


def to_mono(data: np.ndarray, channel: int | None = None) -> np.ndarray:
    """(frames, channels) -> (frames,): pick one channel, or average all of them."""
    if data.ndim == 1:
        return data
    if channel is not None:
        if not 0 <= channel < data.shape[1]:
            raise AudioFileError(msg("channel {channel} does not exist; the input has {channels} channels (0-based)",
                                     channel=channel, channels=data.shape[1]))
        return data[:, channel]
    if data.shape[1] == 2:
        return 0.5 * data[:, 0] + 0.5 * data[:, 1]
    return data.mean(axis=1)


def read_audio(path: Path, channel: int | None = None) -> np.ndarray:
    """Any file libsndfile reads -> float32 mono at 16 kHz (soxr high-quality resampling)."""
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise AudioFileError(msg("cannot read audio file {path}: {error}. Use a WAV or FLAC file.", path=path, error=str(exc))) from exc
    mono = to_mono(data, channel)
    if rate != SAMPLE_RATE_HZ:
        mono = soxr.resample(mono, rate, SAMPLE_RATE_HZ, quality="HQ")
    return np.ascontiguousarray(mono, dtype=np.float32)


def fit_length(samples: np.ndarray, n_samples: int) -> np.ndarray:
    """Zero-pad at the end or cut the end, to exactly n_samples."""
    if len(samples) >= n_samples:
        return samples[:n_samples]
    return np.pad(samples, (0, n_samples - len(samples)))


def write_wav_atomic(path: Path, samples: np.ndarray, sample_rate_hz: int = SAMPLE_RATE_HZ) -> None:
    """16-bit PCM WAV, written to a temporary file and renamed into place."""
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), sample_rate_hz, format="WAV", subtype="PCM_16")
    atomic_write_bytes(Path(path), buffer.getvalue())
