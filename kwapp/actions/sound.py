"""The "sound" action: play a short file on an output device; a missing device is logged, never fatal."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import soundfile as sf

from kwapp.messages import msg
from kwapp.service_config import ServiceConfigError

log = logging.getLogger(__name__)


class SoundPlayer:
    """Plays decoded files through sounddevice without blocking; a new sound cuts the previous one."""

    def __init__(self, device: str = ""):
        self.device = device or None  # None: the system's default output
        self.played = 0
        self.failures = 0  # plays that failed (no device, device busy); shown in the status
        self._clips: dict[Path, tuple[np.ndarray, int]] = {}
        self._last_error = ""

    def load(self, path: Path) -> None:
        """Decode a file now, so a bad file fails at start-up instead of at the first detection."""
        if path in self._clips:
            return
        try:
            data, rate_hz = sf.read(str(path), dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError, OSError) as exc:
            raise ServiceConfigError(msg("cannot read sound file {path}: {error}; use a WAV or FLAC file",
                                         path=path, error=str(exc))) from exc
        self._clips[path] = (data, rate_hz)

    def play(self, path: Path) -> bool:
        """Start playing a loaded file; returns False (and logs each new error once) when it cannot."""
        self.load(path)
        data, rate_hz = self._clips[path]
        try:
            import sounddevice as sd  # raises OSError when the PortAudio library is missing

            sd.play(data, rate_hz, device=self.device)
        except (OSError, ValueError, RuntimeError) as exc:  # sd.PortAudioError is a RuntimeError
            self.failures += 1
            message = str(exc)
            if message != self._last_error:
                log.warning("cannot play sound %s on output %s: %s (%d failed so far)",
                            path.name, self.device or "default", message, self.failures)
                self._last_error = message
            return False
        self.played += 1
        self._last_error = ""
        return True

    def stop(self) -> None:
        if not self.played:
            return
        try:
            import sounddevice as sd

            sd.stop()
        except (OSError, RuntimeError) as exc:
            log.debug("stopping sound output failed: %s", exc)
