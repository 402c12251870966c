"""Channel selection or downmix, then streaming resampling to 16 kHz that keeps its state across blocks."""

from __future__ import annotations

import numpy as np
import soxr

from kwapp.audio.convert import to_float32
from kwapp.config import SAMPLE_RATE_HZ
from kwapp.messages import msg


class ToMono16k:
    """Blocks of (frames, channels) at any rate and format -> float32 mono 16 kHz.

    soxr.ResampleStream is anti-aliased and carries its filter state, so splitting the input into
    different block sizes gives the same output (tested). `flush()` returns the filter's tail.
    """

    def __init__(self, rate_hz: int, channels: int, channel: int | None = None):
        if channel is not None and not 0 <= channel < channels:
            raise ValueError(msg("channel {channel} does not exist; the input has {channels} channels (0-based)",
                                 channel=channel, channels=channels))
        self.rate_hz = int(rate_hz)
        self.channels = channels
        self.channel = channel
        self._stream = None if self.rate_hz == SAMPLE_RATE_HZ else soxr.ResampleStream(
            self.rate_hz, SAMPLE_RATE_HZ, 1, dtype="float32", quality="HQ"
        )

    def mono(self, block: np.ndarray) -> np.ndarray:
        data = to_float32(block)
        if data.ndim == 1:
            return data
        if self.channel is not None:
            return np.ascontiguousarray(data[:, self.channel])
        if data.shape[1] == 1:
            return np.ascontiguousarray(data[:, 0])
        if data.shape[1] == 2:
            return 0.5 * data[:, 0] + 0.5 * data[:, 1]
        return data.mean(axis=1, dtype=np.float32)

    def push(self, block: np.ndarray) -> np.ndarray:
        mono = self.mono(block)
        if self._stream is None:
            return mono
        return self._stream.resample_chunk(mono, last=False)

    def flush(self) -> np.ndarray:
        if self._stream is None:
            return np.zeros(0, dtype=np.float32)
        return self._stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True)
