"""Keyword events from smoothed per-frame probabilities.

A keyword fires when its smoothed score reaches its threshold while armed and outside the
refractory time of its previous event. It re-arms only after the score falls below
threshold * rearm_ratio, so one utterance gives one event however long the score stays high.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from kwapp.config import DetectorConfig
from kwapp.detect.smoothing import MovingAverage
from kwapp.messages import msg


@dataclasses.dataclass(frozen=True)
class Detection:
    """One trigger: the keyword, its smoothed score and the stream time of the frame that fired."""

    keyword: str
    score: float
    t: float  # seconds from stream start to the end of the frame that fired
    frame: int
    threshold: float


class Detector:
    """Tracks every keyword of a model; thresholds and switches may change while it runs."""

    def __init__(self, labels: tuple[str, ...], keywords: tuple[str, ...], cfg: DetectorConfig,
                 thresholds: dict[str, float] | None = None, frame_end_s=lambda frame: 0.0):
        self.cfg = cfg
        self.keywords = keywords
        self.columns = np.array([labels.index(k) for k in keywords], dtype=int)
        self.thresholds = {k: cfg.default_threshold for k in keywords}
        self.thresholds.update({k: v for k, v in (thresholds or {}).items() if k in self.thresholds})
        self.refractory_s = {k: cfg.refractory_s for k in keywords}
        self.enabled = {k: True for k in keywords}
        self.frame_end_s = frame_end_s
        self.smoother = MovingAverage(cfg.smoothing_frames, len(keywords))
        self.reset()

    def reset(self) -> None:
        self.smoother.reset()
        self._armed = np.ones(len(self.keywords), dtype=bool)
        self._last_t = np.full(len(self.keywords), -np.inf)

    def set_threshold(self, keyword: str, value: float) -> None:
        if keyword not in self.thresholds:
            raise KeyError(f"unknown keyword {keyword!r}; the model knows {list(self.keywords)}")
        if not 0.0 < value <= 1.0:
            raise ValueError(msg("threshold {value} for {keyword!r} is invalid; use a value in (0, 1]", value=value, keyword=keyword))
        self.thresholds[keyword] = float(value)

    def push(self, probs: np.ndarray, frame: int) -> tuple[np.ndarray, list[Detection]]:
        """Smooth one frame of class probabilities; return the keyword scores and the events they fire."""
        scores = self.smoother.push(probs[self.columns])
        return scores, self.fire(scores, frame)

    def fire(self, scores: np.ndarray, frame: int) -> list[Detection]:
        """Threshold, re-arm and refractory logic on one frame of smoothed keyword scores."""
        t = self.frame_end_s(frame)
        events = []
        for i, keyword in enumerate(self.keywords):
            threshold = self.thresholds[keyword]
            if scores[i] < threshold * self.cfg.rearm_ratio:
                self._armed[i] = True
            if (self.enabled[keyword] and self._armed[i] and scores[i] >= threshold
                    and t - self._last_t[i] >= self.refractory_s[keyword]):
                events.append(Detection(keyword, float(scores[i]), t, frame, threshold))
                self._armed[i] = False
                self._last_t[i] = t
        return events
