"""Shared helpers for the audio, engine and listen tests: clips, test streams, engine runs, the CLI.

Test streams are built from the Speech Commands clips and the factory-noise slice under tests/data
(see ATTRIBUTION.md there). The speech clips come from held-out speakers of the default model's
training run, so a detection in a test is not a memorised clip.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from kwapp.config import SAMPLE_RATE_HZ
from kwapp.pipeline.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# KWAPP_TEST_MODEL points the tests at another model folder, e.g. while models/default is being trained.
MODEL_DIR = Path(os.environ.get("KWAPP_TEST_MODEL", ROOT / "models" / "default"))

CLIPS = {
    "yes": "yes_6f689791_nohash_0.flac",
    "yes_b": "yes_5c8af87a_nohash_1.flac",
    "yes_c": "yes_1acc97de_nohash_2.flac",  # its score dips mid-word (see test_engine_one_utterance_one_event)
    "stop": "stop_1b4c9b89_nohash_4.flac",
    "go": "go_5c8af87a_nohash_1.flac",
    "bird": "unknown_bird_5c8af87a_nohash_0.flac",  # a non-keyword word
}
NOISE = "noise_factory_pump_normal_5s.flac"
SPEECH_FLOOR_DB = -30.0  # a 10 ms frame belongs to the word when its RMS is within this of the clip's loudest
SUBPROCESS_TIMEOUT_S = 120


def require_model() -> Path:
    """The model folder the tests run; skips when it has not been trained and exported yet."""
    if not (MODEL_DIR / "config.json").is_file() or not (MODEL_DIR / "model.onnx").is_file():
        pytest.skip(f"no trained model in {MODEL_DIR}; train one with 'kwapp train' or set KWAPP_TEST_MODEL")
    return MODEL_DIR


def read_16k(name: str) -> np.ndarray:
    """A file under tests/data as float32 mono; every file there is 16 kHz."""
    samples, rate = sf.read(str(DATA / name), dtype="float32", always_2d=True)
    assert rate == SAMPLE_RATE_HZ, f"{name} is {rate} Hz; tests/data keeps 16 kHz files only"
    return samples[:, 0]


def speech_span_s(clip: np.ndarray) -> tuple[float, float]:
    """Start and end (seconds into the clip) of the 10 ms frames that carry the word."""
    hop = SAMPLE_RATE_HZ // 100
    frames = clip[: len(clip) // hop * hop].reshape(-1, hop)
    rms_db = 10.0 * np.log10(np.mean(np.square(frames, dtype=np.float64), axis=1) + 1e-12)
    loud = np.flatnonzero(rms_db >= rms_db.max() + SPEECH_FLOOR_DB)
    return loud[0] * hop / SAMPLE_RATE_HZ, (loud[-1] + 1) * hop / SAMPLE_RATE_HZ


def trimmed(name: str) -> np.ndarray:
    """A clip cut to its word, so that placing it at t puts the word's onset at t."""
    clip = read_16k(CLIPS[name])
    start_s, end_s = speech_span_s(clip)
    return clip[int(start_s * SAMPLE_RATE_HZ) : int(end_s * SAMPLE_RATE_HZ)]


def word_s(name: str) -> float:
    """Length of a clip's word in seconds."""
    return len(trimmed(name)) / SAMPLE_RATE_HZ


@dataclasses.dataclass(frozen=True)
class Word:
    """Where a word sits in a test stream."""

    keyword: str
    start_s: float
    end_s: float


def noise_bed(duration_s: float, level_dbfs: float | None) -> np.ndarray:
    """Factory noise scaled to an RMS level, looped to the duration; zeros when level_dbfs is None."""
    n = int(round(duration_s * SAMPLE_RATE_HZ))
    if level_dbfs is None:
        return np.zeros(n, dtype=np.float32)
    noise = read_16k(NOISE)
    noise = np.tile(noise, n // len(noise) + 1)[:n]
    gain = 10.0 ** (level_dbfs / 20.0) / np.sqrt(np.mean(np.square(noise, dtype=np.float64)))
    return (noise * gain).astype(np.float32)


def build_stream(words: list[tuple[str, float]], duration_s: float,
                 noise_dbfs: float | None = -50.0) -> tuple[np.ndarray, list[Word]]:
    """Trimmed clips (CLIPS keys) added at their onset times over a noise bed."""
    stream = noise_bed(duration_s, noise_dbfs)
    placed = []
    for name, start_s in words:
        word = trimmed(name)
        start = int(round(start_s * SAMPLE_RATE_HZ))
        assert start + len(word) <= len(stream), f"{name} at {start_s} s does not fit in {duration_s} s"
        stream[start : start + len(word)] += word
        placed.append(Word(name.split("_")[0], start_s, start_s + len(word) / SAMPLE_RATE_HZ))
    return stream, placed


def run_engine(engine: Engine, samples: np.ndarray, block_sizes) -> tuple[np.ndarray, list]:
    """Feed samples in blocks (an int, or an iterable of sizes used in turn); return scores and events."""
    engine.reset()
    sizes = iter(block_sizes) if not isinstance(block_sizes, int) else None
    scores, events = [], []
    start = 0
    while start < len(samples):
        size = block_sizes if sizes is None else next(sizes)
        out = engine.process(samples[start : start + size])
        scores.append(out.scores)
        events += out.events
        start += size
    tail = engine.flush()
    scores.append(tail.scores)
    events += tail.events
    return np.concatenate(scores), events


def write_audio(path: Path, samples: np.ndarray, rate_hz: int = SAMPLE_RATE_HZ, subtype: str = "PCM_16") -> Path:
    sf.write(str(path), samples, rate_hz, subtype=subtype)
    return path


def run_kwapp(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m kwapp ARGS` in a child process, as a user runs it, with English messages (tests match on them)."""
    env = dict(os.environ if env is None else env)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "kwapp", *args], capture_output=True, text=True,
                          timeout=SUBPROCESS_TIMEOUT_S, env=env, cwd=ROOT)


def parse_events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def matches(event_t: float, word: Word, late_s: float = 0.8) -> bool:
    """An event belongs to a word when it fires after the word starts and at most late_s after it ends."""
    return word.start_s <= event_t <= word.end_s + late_s
