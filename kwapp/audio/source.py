"""Contract between audio sources and the engine: 16 kHz mono float32 blocks and health counters."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class SourceStats:
    """Counters a source keeps; the window and the status topic show them."""

    name: str = ""
    native_rate_hz: int = 0
    channels: int = 0
    overflows: int = 0  # PortAudio input-overflow flags seen in the callback
    dropped_frames: int = 0  # native frames lost because the ring was full
    reopen_count: int = 0
    mic_lost: bool = False  # no samples for more than the stall timeout
    ended: bool = False  # a file reached its end


class EndOfStream(Exception):
    """Raised by read() once a finite source has delivered everything."""
