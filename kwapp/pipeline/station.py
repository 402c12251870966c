"""Station status (online, degraded, mic_lost) from the source's counters, and the periodic heartbeat."""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any, Callable

from kwapp.actions.event import local_time_iso
from kwapp.audio.source import SourceStats

log = logging.getLogger(__name__)

ONLINE, OFFLINE, DEGRADED, MIC_LOST = "online", "offline", "degraded", "mic_lost"
TICK_S = 1.0  # status is re-evaluated this often (or every heartbeat, when that is shorter)


class StationMonitor:
    """Status from counters: "mic_lost" while the source reports it, "degraded" for degraded_hold_s after
    any overflow or drop counter grew, else "online"."""

    def __init__(self, degraded_hold_s: float):
        self.degraded_hold_s = degraded_hold_s
        self._last_counts = (0, 0, 0)  # overflows, dropped frames, other drops
        self._degraded_until = -math.inf

    def update(self, stats: SourceStats | None, other_drops: int, now_s: float) -> str:
        """Fold in the current counters; `now_s` is a monotonic time in seconds."""
        audio = (stats.overflows, stats.dropped_frames) if stats is not None else (0, 0)
        counts = (*audio, other_drops)
        # A new source starts its counters at 0, so only growth counts, never a difference after a swap.
        if any(new > old for new, old in zip(counts, self._last_counts)):
            self._degraded_until = now_s + self.degraded_hold_s
        self._last_counts = counts
        if stats is not None and stats.mic_lost:
            return MIC_LOST
        return DEGRADED if now_s <= self._degraded_until else ONLINE


class StationReporter(threading.Thread):
    """Publishes status changes at once and a heartbeat every heartbeat_s, through the given callables."""

    def __init__(self, station: str, heartbeat_s: float, degraded_hold_s: float,
                 counters: Callable[[], dict[str, Any]], drops: Callable[[], int],
                 source_stats: Callable[[], SourceStats | None],
                 publish_status: Callable[[str], None], publish_heartbeat: Callable[[dict[str, Any]], None]):
        super().__init__(name="kwapp-station", daemon=True)
        self.station = station
        self.heartbeat_s = heartbeat_s
        self.monitor = StationMonitor(degraded_hold_s)
        self.counters, self.drops, self.source_stats = counters, drops, source_stats
        self.publish_status, self.publish_heartbeat = publish_status, publish_heartbeat
        self.status = ONLINE
        self.started_s = time.monotonic()
        self.stop_event = threading.Event()

    def heartbeat(self) -> dict[str, Any]:
        return {
            "station": self.station,
            "time": local_time_iso(),
            "status": self.status,
            "uptime_s": round(time.monotonic() - self.started_s, 1),
            **self.counters(),
        }

    def tick(self, now_s: float) -> None:
        stats, drops = self.source_stats(), self.drops()
        status = self.monitor.update(stats, drops, now_s)
        if status != self.status:
            level = logging.INFO if status == ONLINE else logging.WARNING
            log.log(level, "station status %s -> %s (source %s, other drops %d)", self.status, status, stats, drops)
            self.status = status
            self.publish_status(status)

    def run(self) -> None:
        tick_s = min(TICK_S, self.heartbeat_s)
        next_heartbeat_s = time.monotonic() + self.heartbeat_s
        while not self.stop_event.wait(tick_s):
            try:
                now_s = time.monotonic()
                self.tick(now_s)
                if now_s >= next_heartbeat_s:
                    self.publish_heartbeat(self.heartbeat())
                    next_heartbeat_s = now_s + self.heartbeat_s
            except Exception:  # thread boundary: a failed tick must not end status reporting
                log.exception("station status update failed")

    def stop(self, timeout_s: float = 2.0) -> None:
        self.stop_event.set()
        self.join(timeout_s)
