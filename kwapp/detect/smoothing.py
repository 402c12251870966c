"""Moving average of per-frame scores over a fixed number of frames."""

from __future__ import annotations

import numpy as np

from kwapp.messages import msg


class MovingAverage:
    """Mean of the last `frames` rows; before that many rows arrive, the mean of those seen."""

    def __init__(self, frames: int, width: int):
        if frames < 1:
            raise ValueError(msg("smoothing window {frames} frames is invalid; use 1 or more", frames=frames))
        self.frames = frames
        self._history = np.zeros((frames, width), dtype=np.float64)
        self._count = 0

    def reset(self) -> None:
        self._history[:] = 0.0
        self._count = 0

    def push(self, row: np.ndarray) -> np.ndarray:
        self._history[self._count % self.frames] = row
        self._count += 1
        return self._history[: min(self._count, self.frames)].mean(axis=0)
