"""`kwapp eval-stream`: false rejects and false accepts per hour of the real streaming engine.

A long stream is built from background recordings (noise, non-keyword speech) with keyword clips
placed at chosen SNRs, or taken as-is from site background recordings. The engine runs over it
once; the detector logic is then replayed on the stored smoothed scores for every threshold.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np

from kwapp.config import DetectorConfig
from kwapp.detect.detector import Detector
from kwapp.model.bundle import ModelInfo
from kwapp.pipeline.engine import Engine
from kwapp.train.augment import rms

log = logging.getLogger(__name__)

HIT_TOLERANCE_S = 1.0  # an event up to this long after the keyword ends still counts as a hit
GAP_RANGE_S = (2.0, 6.0)  # background between two placed keywords
THRESHOLDS = tuple(np.round(np.arange(0.05, 1.0, 0.05), 2))
SHIFT_HOURS = 8.0


@dataclasses.dataclass
class Stream:
    """Audio with the keywords placed in it: (label, start_s, end_s) per keyword."""

    audio: np.ndarray
    truth: list[tuple[str, float, float]]
    sample_rate_hz: int = 16_000

    @property
    def hours(self) -> float:
        return len(self.audio) / self.sample_rate_hz / 3600


def build_stream(keyword_clips: list[tuple[str, np.ndarray]], background: np.ndarray, snr_db: float,
                 rng: np.random.Generator, sample_rate_hz: int = 16_000) -> Stream:
    """Place every keyword clip once into the (looped) background at the given SNR."""
    gaps = rng.uniform(*GAP_RANGE_S, size=len(keyword_clips) + 1)
    total = int((gaps.sum() + sum(len(c) for _, c in keyword_clips) / sample_rate_hz) * sample_rate_hz)
    audio = np.resize(background, total).astype(np.float32)
    truth, pos = [], int(gaps[0] * sample_rate_hz)
    for (label, clip), gap in zip(keyword_clips, gaps[1:]):
        bed = audio[pos : pos + len(clip)]
        gain = rms(bed) / rms(clip) * 10 ** (snr_db / 20)
        audio[pos : pos + len(clip)] = np.clip(bed + gain * clip, -1.0, 1.0)
        truth.append((label, pos / sample_rate_hz, (pos + len(clip)) / sample_rate_hz))
        pos += len(clip) + int(gap * sample_rate_hz)
    return Stream(audio, truth, sample_rate_hz)


def stream_scores(info: ModelInfo, audio: np.ndarray, block: int = 16_000) -> np.ndarray:
    """Smoothed keyword scores (frames, keywords) from the real engine, including the flushed tail."""
    engine = Engine(info)
    parts = [engine.process(audio[i : i + block]).scores for i in range(0, len(audio), block)]
    parts.append(engine.flush().scores)
    return np.concatenate(parts)


def replay_detector(info: ModelInfo, scores: np.ndarray, keyword: str, threshold: float) -> list[float]:
    """Event times of one keyword at one threshold, by the detector's own fire() logic."""
    cfg = info.features
    det = Detector(info.labels, (keyword,), DetectorConfig(), {keyword: threshold},
                   frame_end_s=lambda f: (f * cfg.hop_samples + cfg.window_samples) / cfg.sample_rate_hz)
    column = info.keywords.index(keyword)
    return [e.t for f in range(len(scores)) for e in det.fire(scores[f, column : column + 1], f)]


def score_events(times: list[float], truth: list[tuple[str, float, float]], keyword: str) -> tuple[int, int, int]:
    """(hits, misses, false accepts) of one keyword's events against the placed keywords."""
    spans = [(s, e + HIT_TOLERANCE_S) for label, s, e in truth if label == keyword]
    hit = [False] * len(spans)
    false_accepts = 0
    for t in times:
        match = next((i for i, (s, e) in enumerate(spans) if s <= t <= e and not hit[i]), None)
        if match is None:
            false_accepts += 1
        else:
            hit[match] = True
    return sum(hit), len(spans) - sum(hit), false_accepts


def sweep(info: ModelInfo, stream: Stream, scores: np.ndarray, thresholds=THRESHOLDS) -> dict[str, list[dict]]:
    """Per keyword and threshold: false-reject rate and false accepts per hour."""
    out = {}
    for keyword in info.keywords:
        rows = []
        for threshold in thresholds:
            hits, misses, fa = score_events(replay_detector(info, scores, keyword, float(threshold)), stream.truth, keyword)
            n = hits + misses
            rows.append({"threshold": float(threshold), "frr": misses / n if n else None,
                         "fa_per_hour": fa / stream.hours, "n_keywords": n})
        out[keyword] = rows
    return out


def pick_thresholds(curves: dict[str, list[dict]], target_fa_per_hour: float) -> dict[str, dict]:
    """Lowest threshold per keyword whose FA/h meets the target, with its FRR."""
    out = {}
    for keyword, rows in curves.items():
        ok = [r for r in rows if r["fa_per_hour"] <= target_fa_per_hour]
        best = ok[0] if ok else rows[-1]
        out[keyword] = {"threshold": best["threshold"], "frr": best["frr"], "fa_per_hour": best["fa_per_hour"],
                        "fa_per_shift": best["fa_per_hour"] * SHIFT_HOURS, "meets_target": bool(ok)}
    return out


def plot_det(curves: dict[str, list[dict]], path: Path, title: str) -> None:
    """DET-style plot: false-reject rate against false accepts per hour, one line per keyword."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5))
    for keyword, rows in curves.items():
        pts = [(max(r["fa_per_hour"], 0.01), r["frr"]) for r in rows if r["frr"] is not None]
        if pts:
            ax.plot(*zip(*pts), marker=".", label=keyword)
    ax.set_xscale("log")
    ax.set_xlabel("false accepts per hour (0 drawn at 0.01)")
    ax.set_ylabel("false-reject rate")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
