"""Clips in the Speech Commands layout (`<label>/<clip>`), label mapping and speaker splits."""

from __future__ import annotations

import dataclasses
import logging
import zlib
from pathlib import Path

import numpy as np

from kwapp.audio.wavio import AUDIO_SUFFIXES, fit_length, read_audio
from kwapp.messages import msg

log = logging.getLogger(__name__)

KEYWORDS = ("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go")
UNKNOWN = "_unknown_"
SILENCE = "_silence_"
STANDARD_LABELS = (*KEYWORDS, UNKNOWN, SILENCE)
NOISE_LABELS = {SILENCE, "_background_noise_", "_noise_"}


@dataclasses.dataclass(frozen=True)
class Clip:
    """One recording: its path, folder name (the spoken word), class label and speaker."""

    path: Path
    word: str
    label: str
    speaker: str


def speaker_of(path: Path) -> str:
    """Speaker id of a clip; files without a Speech Commands name count as their own speaker.

    Speech Commands names clips `<speaker>_nohash_<n>`, and the v0.02 test set names its _unknown_
    clips `<word>_<speaker>_nohash_<n>`, so the id is the last `_` field before `_nohash_`.
    """
    stem = path.stem
    if "_nohash_" not in stem:
        return stem
    return stem.split("_nohash_")[0].rsplit("_", 1)[-1]


def map_label(word: str, labels: tuple[str, ...]) -> str | None:
    """Folder name -> class label: a known label, silence for noise folders, else unknown (or None)."""
    if word in labels:
        return word
    if word in NOISE_LABELS:
        return SILENCE if SILENCE in labels else None
    return UNKNOWN if UNKNOWN in labels else None


def scan_folder(root: Path, labels: tuple[str, ...] = STANDARD_LABELS) -> list[Clip]:
    """List the audio clips under root/<word>/ with their labels; raise ValueError when the layout is wrong."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(msg("data folder {root} not found; pass a folder with <label>/<clip> sub-folders", root=root))
    clips = []
    for word_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        label = map_label(word_dir.name, labels)
        if label is None:
            continue
        for path in sorted(word_dir.iterdir()):
            if path.suffix.lower() in AUDIO_SUFFIXES:
                clips.append(Clip(path, word_dir.name, label, speaker_of(path)))
    if not clips:
        raise ValueError(msg("no audio clips found in {root}; expected <label>/<clip>.wav or .flac sub-folders", root=root))
    return clips


def is_held_out(speaker: str, held_out_percent: float) -> bool:
    """Deterministic speaker split: the same speaker always lands on the same side."""
    return zlib.crc32(speaker.encode("utf-8")) % 10_000 < held_out_percent * 100


def split_by_speaker(clips: list[Clip], held_out_percent: float) -> tuple[list[Clip], list[Clip]]:
    train = [c for c in clips if not is_held_out(c.speaker, held_out_percent)]
    held = [c for c in clips if is_held_out(c.speaker, held_out_percent)]
    return train, held


def load_clips(clips: list[Clip], n_samples: int) -> np.ndarray:
    """(n_clips, n_samples) float32, each clip padded or cut to the clip length."""
    out = np.zeros((len(clips), n_samples), dtype=np.float32)
    for i, clip in enumerate(clips):
        out[i] = fit_length(read_audio(clip.path), n_samples)
    return out


def load_noise(folders: list[Path]) -> list[np.ndarray]:
    """Read every audio file below the given folders as float32 mono 16 kHz."""
    noises = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix.lower() in AUDIO_SUFFIXES:
                noises.append(read_audio(path))
    log.info("loaded %d noise recordings from %s", len(noises), [str(f) for f in folders])
    return noises
