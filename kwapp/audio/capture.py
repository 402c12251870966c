"""Live capture from a named input device through sounddevice (PortAudio).

The callback only copies into a preallocated ring and counts status flags. The reader converts,
downmixes and resamples. A stall longer than STALL_TIMEOUT_S raises the mic-lost alarm, and the
device is reopened by name every REOPEN_INTERVAL_S until it delivers again.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import sounddevice as sd

from kwapp.audio.devices import DeviceError, InputDevice, find_input, refresh
from kwapp.audio.resample import ToMono16k
from kwapp.audio.ring import Ring
from kwapp.audio.source import SourceStats
from kwapp.config import SAMPLE_RATE_HZ
from kwapp.messages import msg

log = logging.getLogger(__name__)

RING_SECONDS = 10.0  # buffered audio before the drop-newest policy applies
STALL_TIMEOUT_S = 1.0
REOPEN_INTERVAL_S = 1.0
POLL_S = 0.005


class MicSource:
    """A named input device as a source of 16 kHz mono float32 blocks."""

    def __init__(self, device_name: str, channel: int | None = None, sample_format: str = "float32"):
        self.device_name = device_name
        self.channel = channel
        self.sample_format = sample_format
        self.stats = SourceStats(name=device_name)
        self._stream: sd.InputStream | None = None
        self._ring: Ring | None = None
        self._convert: ToMono16k | None = None
        self._overflows = 0  # written by the callback only
        self._last_data = 0.0
        self._last_reopen = 0.0

    def _callback(self, indata, frames, time_info, status) -> None:
        if status.input_overflow:
            self._overflows += 1
        self._ring.write(indata)

    def _pick_rate(self, device: InputDevice, channels: int) -> int:
        """16 kHz when the device accepts it, else its native rate (resampled in read())."""
        try:
            sd.check_input_settings(device=device.index, samplerate=SAMPLE_RATE_HZ, channels=channels, dtype=self.sample_format)
            return SAMPLE_RATE_HZ
        except sd.PortAudioError:
            return device.default_rate_hz

    def _open(self) -> None:
        device = find_input(self.device_name)
        # stereo at most for a downmix; channels up to the chosen one otherwise (ToMono16k rejects a missing one)
        channels = min(device.channels, 2) if self.channel is None else min(device.channels, self.channel + 1)
        rate = self._pick_rate(device, channels)
        self._ring = Ring(int(RING_SECONDS * rate), channels, self.sample_format)
        self._convert = ToMono16k(rate, channels, self.channel)
        try:
            self._stream = sd.InputStream(device=device.index, samplerate=rate, channels=channels,
                                          dtype=self.sample_format, callback=self._callback, blocksize=0)
            self._stream.start()
        except sd.PortAudioError as exc:
            self._stream = None
            raise DeviceError(msg("input device {device} could not be opened: {error}; close other programs "
                                  "that use it or choose another device (kwapp listen --list-devices)",
                                  device=device.label, error=str(exc))) from exc
        self.stats.name, self.stats.native_rate_hz, self.stats.channels = device.name, rate, channels
        self._last_data = time.monotonic()
        log.info("opened input %s at %d Hz, %d channels", device.label, rate, channels)

    def start(self) -> None:
        self._open()

    def stop(self) -> None:
        if self._stream is not None:
            try:
                self._stream.abort()
                self._stream.close()
            except sd.PortAudioError as exc:
                log.warning("closing input %s failed: %s", self.device_name, exc)
            self._stream = None

    def _check_health(self, now: float) -> None:
        """Mic-lost alarm after a stall, and reopen attempts by name while it lasts."""
        if now - self._last_data <= STALL_TIMEOUT_S and self._stream is not None and self._stream.active:
            return
        if not self.stats.mic_lost:
            log.warning("input %s stopped delivering audio", self.device_name)
            self.stats.mic_lost = True
        if now - self._last_reopen < REOPEN_INTERVAL_S:
            return
        self._last_reopen = now
        self.stop()
        try:
            refresh()
            self._open()
            self.stats.reopen_count += 1
        except (sd.PortAudioError, ValueError) as exc:
            log.debug("reopen of %s failed: %s", self.device_name, exc)

    def read(self, timeout_s: float = 0.1) -> np.ndarray:
        """Everything buffered so far, resampled; an empty block when nothing arrived in timeout_s."""
        deadline = time.monotonic() + timeout_s
        while True:
            now = time.monotonic()
            if self._ring is not None and self._ring.available():
                block = self._ring.read()
                self._last_data = now
                if self.stats.mic_lost:
                    log.info("input %s delivers audio again", self.device_name)
                    self.stats.mic_lost = False
                self.stats.overflows = self._overflows
                self.stats.dropped_frames = self._ring.dropped_frames
                return self._convert.push(block)
            self._check_health(now)
            if now >= deadline:
                return np.zeros(0, dtype=np.float32)
            time.sleep(POLL_S)
