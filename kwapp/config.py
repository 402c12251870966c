"""Frozen configuration dataclasses shared by the stages, with JSON round-trips."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path
from typing import Any, TypeVar

from kwapp.messages import msg

T = TypeVar("T")

SAMPLE_RATE_HZ = 16_000


@dataclasses.dataclass(frozen=True)
class FeatureConfig:
    """Front-end settings; a model is only valid with the features it was trained on."""

    sample_rate_hz: int = SAMPLE_RATE_HZ
    window_ms: float = 30.0  # analysis window length
    hop_ms: float = 10.0  # one frame per hop, one model step per frame
    n_fft: int = 512  # window zero-padded to the next power of two
    n_mels: int = 40
    fmin_hz: float = 20.0
    fmax_hz: float = 7600.0
    # MFCC is the default: the Keyword Mamba and KWT papers use 40 MFCC from 40 mel
    # bands, and the DCT decorrelates the bands so a per-coefficient mean/std
    # normalisation (stored with the model) fits them well. "logmel" is kept for
    # the spectrogram view and for experiments.
    kind: str = "mfcc"  # "mfcc" or "logmel"
    n_mfcc: int = 40
    log_floor: float = 1e-6  # added to mel power before the log, avoids log(0) on digital silence

    @property
    def window_samples(self) -> int:
        return round(self.sample_rate_hz * self.window_ms / 1000)

    @property
    def hop_samples(self) -> int:
        return round(self.sample_rate_hz * self.hop_ms / 1000)

    @property
    def n_features(self) -> int:
        return self.n_mfcc if self.kind == "mfcc" else self.n_mels


@dataclasses.dataclass(frozen=True)
class DetectorConfig:
    """Turning per-frame keyword probabilities into one event per utterance."""

    smoothing_frames: int = 5  # moving average over 50 ms of frame probabilities
    default_threshold: float = 0.7
    refractory_s: float = 1.0  # no second event for the same keyword within this time
    rearm_ratio: float = 0.5  # re-arm once the smoothed score falls below threshold * ratio


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Build a dataclass from a dict, rejecting unknown keys with a clear message."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(msg("unknown {name} fields {unknown}; expected some of {expected}",
                             name=cls.__name__, unknown=unknown, expected=sorted(names)))
    return cls(**data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, payload: bytes, mode: int | None = None) -> None:
    """Write a file so that a crash leaves either the old or the new content, never half.

    mode: the file's permission bits (e.g. 0o600 for a file holding a password); default: the umask's.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask() if mode is None else mode)  # mkstemp creates 0600
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, data: Any) -> None:
    atomic_write_bytes(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
