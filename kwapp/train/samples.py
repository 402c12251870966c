"""Site samples for fine-tuning: `<root>/<label>/<clip>.wav` plus an append-only `manifest.jsonl`.

Qt-free. WAVs are written to a temporary file and renamed into place. Each manifest record is one
JSON line, flushed and fsynced before the call returns. The manifest keeps every change (add, relabel,
delete), so the latest record of a clip describes it.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import os
import uuid
from pathlib import Path

import numpy as np

from kwapp.audio.wavio import read_audio, write_wav_atomic
from kwapp.config import SAMPLE_RATE_HZ
from kwapp.messages import msg

log = logging.getLogger(__name__)

SAMPLES_DIR_NAME = "samples"
MANIFEST_NAME = "manifest.jsonl"
BACKGROUND_LABEL = "_background_"
UNKNOWN_LABEL = "_unknown_"
CLIPPED_DBFS = -0.1  # a peak at or above this is treated as clipped
QUIET_DBFS = -30.0  # a peak below this is too quiet to train on
PEAK_FLOOR_DBFS = -120.0  # the peak reported for digital silence


class LabelError(ValueError):
    """A label that cannot name a folder; the message names it and suggests what to type instead."""


def check_label(label: str) -> str:
    """Return the stripped label; raise LabelError for empty, path-like or hidden names."""
    name = label.strip()
    if not name:
        raise LabelError(msg("the label is empty; type a keyword such as 'athena'"))
    if name in (".", "..") or "/" in name or "\\" in name or "\0" in name or name.startswith("."):
        raise LabelError(msg("label {label!r} is invalid: it must not contain '/' or '\\', or start with '.'; "
                             "type a plain word", label=label))
    return name


def peak_dbfs(samples: np.ndarray) -> float:
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    return 20 * np.log10(peak) if peak > 0 else PEAK_FLOOR_DBFS


def level_warnings(peak: float) -> list[str]:
    """Return "clipped" and/or "quiet" flags for a take's peak level in dBFS."""
    flags = []
    if peak >= CLIPPED_DBFS:
        flags.append("clipped")
    if peak < QUIET_DBFS:
        flags.append("quiet")
    return flags


@dataclasses.dataclass(frozen=True)
class Sample:
    """One stored take and the manifest fields that describe it."""

    label: str
    clip: str  # file name inside the label folder
    speaker: str = ""  # speaker or session name
    device: str = ""  # input device or file it came from
    time: str = ""  # ISO 8601 local time of the recording
    duration_s: float = 0.0
    peak_dbfs: float = PEAK_FLOOR_DBFS

    @property
    def warnings(self) -> list[str]:
        return level_warnings(self.peak_dbfs)


class SampleStore:
    """The sample folder: adds, relabels and deletes takes and logs each change in the manifest."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.manifest_path = self.root / MANIFEST_NAME
        self.root.mkdir(parents=True, exist_ok=True)

    def path_of(self, sample: Sample) -> Path:
        return self.root / sample.label / sample.clip

    def add(self, label: str, samples: np.ndarray, speaker: str = "", device: str = "", clip: str | None = None) -> Sample:
        """Write a take as 16 kHz WAV under its label folder and append its manifest record.

        `clip` names the file (default: time stamp plus a random suffix); an existing file of that name is replaced.
        """
        label = check_label(label)
        samples = np.asarray(samples, dtype=np.float32)
        stamp = datetime.datetime.now().astimezone()
        clip = clip or f"{stamp.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.wav"
        sample = Sample(label, clip, speaker.strip(), device, stamp.isoformat(timespec="milliseconds"),
                        round(len(samples) / SAMPLE_RATE_HZ, 3), round(peak_dbfs(samples), 2))
        write_wav_atomic(self.path_of(sample), samples)
        self._append({"op": "add", **dataclasses.asdict(sample)})
        log.info("saved sample %s (%.2f s, peak %.1f dBFS)", self.path_of(sample), sample.duration_s, sample.peak_dbfs)
        return sample

    def add_file(self, label: str, path: Path, speaker: str = "", device: str = "") -> Sample | None:
        """Store an audio file (e.g. a trigger snippet) as `<label>/<file stem>.wav`; None when that take exists."""
        clip = Path(path).stem + ".wav"
        if (self.root / check_label(label) / clip).exists():
            return None
        return self.add(label, read_audio(Path(path)), speaker, device, clip)

    def relabel(self, sample: Sample, label: str) -> Sample:
        """Move a take to another label folder (one rename) and record the move."""
        label = check_label(label)
        moved = dataclasses.replace(sample, label=label)
        target = self.path_of(moved)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path_of(sample), target)
        self._append({"op": "relabel", "from": sample.label, **dataclasses.asdict(moved)})
        log.info("moved sample %s from %s to %s", sample.clip, sample.label, label)
        return moved

    def delete(self, sample: Sample) -> None:
        self.path_of(sample).unlink(missing_ok=True)
        self._append({"op": "delete", "label": sample.label, "clip": sample.clip})
        log.info("deleted sample %s/%s", sample.label, sample.clip)

    def labels(self) -> dict[str, int]:
        """Return label -> number of WAV takes, for every label folder."""
        return {p.name: sum(1 for _ in p.glob("*.wav")) for p in sorted(self.root.iterdir()) if p.is_dir()}

    def _append(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
        with open(self.manifest_path, "ab") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
