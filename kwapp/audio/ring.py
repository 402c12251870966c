"""Single-producer single-consumer ring buffer filled by the PortAudio callback.

The writer (audio callback) only copies into preallocated memory and advances its index; it never
allocates, locks or blocks. When the ring is full the incoming block is dropped and counted
(drop-newest policy): what is already buffered stays contiguous, and the gap is reported.
"""

from __future__ import annotations

import numpy as np


class Ring:
    """Fixed-capacity ring of (frames, channels) samples of one dtype."""

    def __init__(self, capacity_frames: int, channels: int, dtype: str | np.dtype):
        self._buf = np.zeros((capacity_frames, channels), dtype=dtype)
        self.capacity = capacity_frames
        self._write = 0  # total frames ever written; only the producer changes it
        self._read = 0  # total frames ever read; only the consumer changes it
        self.dropped_frames = 0  # frames lost because the ring was full
        self.drop_events = 0

    def write(self, block: np.ndarray) -> None:
        """Producer side: copy a block in, or drop it whole when it does not fit."""
        n = len(block)
        if n > self.capacity - (self._write - self._read):
            self.dropped_frames += n
            self.drop_events += 1
            return
        start = self._write % self.capacity
        first = min(n, self.capacity - start)
        self._buf[start : start + first] = block[:first]
        self._buf[: n - first] = block[first:]
        self._write += n

    def available(self) -> int:
        return self._write - self._read

    def read(self, max_frames: int | None = None) -> np.ndarray:
        """Consumer side: copy out up to max_frames buffered frames (all when None)."""
        n = self.available() if max_frames is None else min(self.available(), max_frames)
        start = self._read % self.capacity
        first = min(n, self.capacity - start)
        out = np.concatenate([self._buf[start : start + first], self._buf[: n - first]])
        self._read += n
        return out

    def clear(self) -> None:
        self._read = self._write
