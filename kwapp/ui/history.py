"""The last few seconds of spectrogram columns, scores and detections, kept for drawing."""

from __future__ import annotations

import collections

import numpy as np

from kwapp.pipeline.worker import StreamUpdate

HISTORY_S = 6.0
MAX_MARKERS = 64  # detections remembered for drawing; older ones have scrolled out of view anyway


class FrameHistory:
    """Fixed-size buffers shifted in place as frames arrive; arrays are laid out for pyqtgraph.

    `logmel` is (n_mels, frames) row-major C-contiguous float32, the layout ImageItem draws fastest
    with axisOrder="row-major". The newest frame is the last column. Only the last `filled` columns
    hold data; the others keep their initial value (the floor for `logmel`, NaN for `scores`).
    """

    def __init__(self, n_mels: int, keywords: tuple[str, ...], hop_s: float, floor: float):
        self.hop_s = hop_s
        self.capacity = int(round(HISTORY_S / hop_s))
        self.floor = floor
        self.marker_serial = 0  # changes whenever `markers` does, so views redo marker data only then
        self.reset(keywords, n_mels)

    def reset(self, keywords: tuple[str, ...], n_mels: int | None = None) -> None:
        """Forget everything, e.g. on a new stream or when a model with other keywords is loaded."""
        self.keywords = tuple(keywords)
        n_mels = self.logmel.shape[0] if n_mels is None else n_mels
        self.logmel = np.full((n_mels, self.capacity), self.floor, dtype=np.float32)
        self.scores = np.full((len(self.keywords), self.capacity), np.nan, dtype=np.float32)
        self.total_frames = 0
        self.filled = 0
        self.markers: collections.deque[tuple[int, int, float]] = collections.deque(maxlen=MAX_MARKERS)  # (frame, row, score)
        self.marker_serial += 1
        self.dirty = True

    def append(self, update: StreamUpdate) -> None:
        if tuple(update.keywords) != self.keywords or update.logmel.shape[1] != self.logmel.shape[0]:
            self.reset(update.keywords, update.logmel.shape[1])
        self._shift_in(self.logmel, update.logmel.T)
        self._shift_in(self.scores, update.scores.T)
        self.filled = min(self.capacity, self.filled + len(update.logmel))
        self.total_frames = max(self.total_frames, update.first_frame + len(update.logmel))
        for event, frame in zip(update.events, update.event_frames):
            if event.keyword in self.keywords:
                self.markers.append((frame, self.keywords.index(event.keyword), event.score))
                self.marker_serial += 1
        self.dirty = True

    @staticmethod
    def _shift_in(buffer: np.ndarray, columns: np.ndarray) -> None:
        n = min(columns.shape[1], buffer.shape[1])
        if n == 0:
            return
        buffer[:, :-n] = buffer[:, n:]  # overlapping copy: numpy handles the overlap correctly
        buffer[:, -n:] = columns[:, -n:]

    def times_s(self) -> np.ndarray:
        """Time of each column relative to the newest frame (0), in seconds."""
        return (np.arange(self.capacity) - (self.capacity - 1)) * self.hop_s

    def newest_time_s(self) -> float:
        """Stream time of the newest frame, in seconds: the offset between stream time and drawn time."""
        return (self.total_frames - 1) * self.hop_s

    def marker_times_s(self, row: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Stream time in seconds and score of each remembered detection, of one keyword row or of all.

        Views draw markers at stream time and shift them by -newest_time_s(), so they replace the
        data only when `marker_serial` changes. Markers older than the history lie left of the plots,
        where the plots clip them.
        """
        spots = [(frame * self.hop_s, score) for frame, marker_row, score in self.markers if row in (None, marker_row)]
        data = np.array(spots, dtype=float).reshape(-1, 2)
        return data[:, 0], data[:, 1]
