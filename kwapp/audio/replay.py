"""A WAV/FLAC file played as a microphone: blocks at 16 kHz, as fast as possible or in real time."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import soundfile as sf

from kwapp.audio.resample import ToMono16k
from kwapp.audio.source import EndOfStream, SourceStats
from kwapp.audio.wavio import AudioFileError
from kwapp.messages import msg

DEFAULT_BLOCK_MS = 20.0


class FileSource:
    """Reads any file libsndfile reads in native blocks and resamples them like a live device."""

    def __init__(self, path: Path | str, realtime: bool = False, block_ms: float = DEFAULT_BLOCK_MS,
                 channel: int | None = None, loop: bool = False):
        self.path = Path(path)
        try:
            self._file = sf.SoundFile(str(self.path))
        except (sf.LibsndfileError, RuntimeError, OSError) as exc:
            raise AudioFileError(msg("cannot read audio file {path}: {error}. Use a WAV or FLAC file.",
                                     path=self.path, error=str(exc))) from exc
        self.realtime = realtime
        self.loop = loop
        self.block_frames = max(1, int(self._file.samplerate * block_ms / 1000))
        self._convert = ToMono16k(self._file.samplerate, self._file.channels, channel)
        self.stats = SourceStats(name=self.path.name, native_rate_hz=self._file.samplerate, channels=self._file.channels)
        self._started = 0.0
        self._native_frames = 0
        self._flushed = False

    def start(self) -> None:
        self._started = time.monotonic()

    def stop(self) -> None:
        self._file.close()

    def read(self, timeout_s: float = 0.1) -> np.ndarray:
        """Return the next block (float32, 16 kHz mono); raise EndOfStream after the resampler tail."""
        if self.realtime:
            due = self._started + self._native_frames / self._file.samplerate
            delay = due - time.monotonic()
            if delay > timeout_s:
                time.sleep(timeout_s)
                return np.zeros(0, dtype=np.float32)
            if delay > 0:
                time.sleep(delay)
        block = self._file.read(self.block_frames, dtype="float32", always_2d=True)
        if len(block) == 0 and self.loop and self._native_frames > 0:
            self._file.seek(0)
            block = self._file.read(self.block_frames, dtype="float32", always_2d=True)
        if len(block) == 0:
            if self._flushed:
                self.stats.ended = True
                raise EndOfStream(str(self.path))
            self._flushed = True
            return self._convert.flush()
        self._native_frames += len(block)
        return self._convert.push(block)
