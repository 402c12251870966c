"""Draining one outbox through one target, in order, and tracking whether the target is reachable."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any, Protocol

from kwapp.pipeline.outbox import Outbox

log = logging.getLogger(__name__)

POLL_S = 0.1  # how often waiting loops look at their stop flag

# Link states shown to the user.
STARTING = "starting"  # no attempt finished yet
UP = "up"
DOWN = "down"
STOPPED = "stopped"


@dataclasses.dataclass(frozen=True)
class LinkStatus:
    """Reachability of one target and its queue, for the window's status bar and the heartbeat."""

    name: str  # "mqtt" or "webhook"
    state: str  # STARTING, UP, DOWN or STOPPED
    detail: str  # last error, or the address when up; never a secret
    since: float  # time.time() of the last state change
    pending: int  # events in the outbox
    delivered: int  # since start
    rejected: int  # events the target refused for good (webhook 4xx payload errors)
    dropped: int  # events removed by the outbox size limit since start


class LinkTracker:
    """Thread-safe state of one link; logs each transition once, not each retry."""

    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self.state = STARTING
        self.detail = ""
        self.since = time.time()

    def set(self, state: str, detail: str = "") -> bool:
        """Record a state; returns True when state or detail changed (the caller logs then)."""
        with self._lock:
            if (state, detail) == (self.state, self.detail):
                return False
            if state != self.state:
                self.since = time.time()
            self.state, self.detail = state, detail
            return True

    def status(self, outbox: Outbox) -> LinkStatus:
        with self._lock:
            return LinkStatus(self.name, self.state, self.detail, self.since, len(outbox),
                              outbox.delivered, outbox.rejected, outbox.dropped)


class Target(Protocol):
    tracker: LinkTracker

    def deliver(self, event: dict[str, Any], stop: threading.Event) -> str | None:
        """Send one event, retrying until done; returns "delivered" or "rejected", or None once stop is set."""


class Delivery(threading.Thread):
    """Sends an outbox's events through a target one at a time, oldest first, and removes each once done."""

    def __init__(self, outbox: Outbox, target: Target):
        super().__init__(name=f"kwapp-{target.tracker.name}", daemon=True)
        self.outbox = outbox
        self.target = target
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                event = self.outbox.oldest(POLL_S)
                if event is None:
                    continue
                outcome = self.target.deliver(event, self.stop_event)
                if outcome is not None:
                    self.outbox.remove(event["event_id"], outcome)
            except Exception:  # thread boundary: log, wait, keep the queue going
                log.exception("%s delivery failed; retrying", self.target.tracker.name)
                self.stop_event.wait(1.0)

    def flush(self, timeout_s: float) -> bool:
        """Wait until the outbox is empty, the target is down, or timeout_s passed; True when empty."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.outbox.wait_empty(POLL_S):
                return True
            if self.target.tracker.state == DOWN:
                return False
        return self.outbox.wait_empty(0)

    def stop(self, timeout_s: float) -> None:
        self.stop_event.set()
        self.join(timeout_s)
