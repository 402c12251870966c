"""Input devices by name: listing, lookup and a refresh of PortAudio's device list."""

from __future__ import annotations

import dataclasses
import logging

import sounddevice as sd

from kwapp.messages import msg

log = logging.getLogger(__name__)


class DeviceError(ValueError):
    """A device name that matches no input device, or more than one."""


@dataclasses.dataclass(frozen=True)
class InputDevice:
    """An input device as PortAudio reports it."""

    index: int
    name: str
    host_api: str
    channels: int
    default_rate_hz: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.host_api}, {self.channels} ch, {self.default_rate_hz} Hz)"


def refresh() -> None:
    """Re-scan devices: PortAudio lists devices plugged in later only after a re-initialisation.

    NOTE: this uses sounddevice's private _terminate/_initialize and must only run while no stream is open.
    """
    sd._terminate()
    sd._initialize()


def list_inputs() -> list[InputDevice]:
    apis = sd.query_hostapis()
    out = []
    for index, dev in enumerate(sd.query_devices()):
        if dev["max_input_channels"] > 0:
            out.append(InputDevice(index, dev["name"], apis[dev["hostapi"]]["name"], dev["max_input_channels"], int(dev["default_samplerate"])))
    return out


def find_input(name: str) -> InputDevice:
    """Exact name first, then a unique case-insensitive substring; indexes change after re-plugging."""
    inputs = list_inputs()
    exact = [d for d in inputs if d.name == name]
    if exact:
        return exact[0]
    partial = [d for d in inputs if name.lower() in d.name.lower()]
    if len(partial) == 1:
        return partial[0]
    names = ", ".join(repr(d.name) for d in inputs) or "none"
    if not partial:
        raise DeviceError(msg("input device {name!r} not found; available input devices: {names}", name=name, names=names))
    raise DeviceError(msg("input device {name!r} matches {count} devices; use one of: {names}", name=name, count=len(partial),
                          names=", ".join(repr(d.name) for d in partial)))


def default_input() -> InputDevice:
    index = sd.default.device[0]
    if index is None or index < 0:
        raise DeviceError(msg("no default input device; connect a microphone or pass --device NAME"))
    return next(d for d in list_inputs() if d.index == index)
