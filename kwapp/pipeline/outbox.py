"""A bounded on-disk queue of events waiting for one delivery target (the broker or the webhook).

The file is JSON lines: {"event": {...}} adds an event, and {"delivered": id}, {"rejected": id}
or {"dropped": id} removes one. Every line is flushed and fsynced before the call returns, so a
crash loses at most the line being written, and load() skips such a torn last line. Compaction
writes the pending events to a temporary file and renames it over the old one.

Size limit: max_events pending events. Appending one more drops the oldest pending event (drop-
oldest: the newest events describe the current state of the line) and counts it in `dropped`.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from kwapp.config import atomic_write_bytes
from kwapp.messages import msg

log = logging.getLogger(__name__)

DEFAULT_MAX_EVENTS = 10_000
COMPACT_AFTER_MARKS = 1_000  # removal lines written before the file is rewritten
OUTCOMES = ("delivered", "rejected", "dropped")


class OutboxInUseError(ValueError):
    """Another process holds the outbox lock."""


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows cannot open a folder this way)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _ProcessLock:
    """An exclusive lock on <outbox>.lock so two processes never share one outbox file."""

    def __init__(self, path: Path):
        self.path = path
        self._handle = open(path, "a+b")
        if os.name != "posix":
            return  # NOTE: Windows has no flock; two processes sharing an outbox there would interleave lines
        import fcntl

        try:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self._handle.close()
            raise OutboxInUseError(msg("outbox {path} is in use by another kwapp process; give each process its own [outbox] dir",
                                       path=path.with_suffix(""))) from exc

    def release(self) -> None:
        self._handle.close()  # closing the file releases the lock


class Outbox:
    """Pending events of one target in arrival order. Thread-safe, for a single writing process."""

    def __init__(self, path: Path | str, max_events: int = DEFAULT_MAX_EVENTS, compact_after_marks: int = COMPACT_AFTER_MARKS):
        if max_events < 1:
            raise ValueError(f"outbox size limit {max_events} is invalid; use 1 or more events")
        self.path = Path(path)
        self.max_events = max_events
        self.compact_after_marks = compact_after_marks
        self.dropped = 0  # events removed by the size limit since this object was created
        self.delivered = 0
        self.rejected = 0
        self.write_errors = 0
        self._pending: collections.OrderedDict[str, dict[str, Any]] = collections.OrderedDict()
        self._changed = threading.Condition()
        self._marks = 0
        self._file = None  # opened by _compact(); lines written before that are covered by the rewrite
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _ProcessLock(self.path.with_name(self.path.name + ".lock"))
        try:
            self._load()
            self._enforce_limit()
            self._compact()
        except BaseException:
            self._lock.release()
            raise

    # --- reading and rewriting the file ---------------------------------------------------------

    def _load(self) -> None:
        if not self.path.exists():
            return
        lines = self.path.read_bytes().splitlines()
        for number, raw in enumerate(lines, start=1):
            try:
                entry = json.loads(raw)
                self._apply(entry)
            except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, AttributeError):
                where = "the last line (a crash while writing it)" if number == len(lines) else f"line {number}"
                log.warning("outbox %s: skipping unreadable %s", self.path, where)
        if self._pending:
            log.info("outbox %s: %d events from an earlier run wait for delivery", self.path, len(self._pending))

    def _apply(self, entry: dict[str, Any]) -> None:
        if "event" in entry:
            event = entry["event"]
            self._pending[str(event["event_id"])] = event
            return
        outcome = next(key for key in OUTCOMES if key in entry)
        self._pending.pop(str(entry[outcome]), None)

    def _compact(self) -> None:
        """Rewrite the file with only the pending events; the old file stays whole until the rename."""
        if self._file is not None:
            self._file.close()
        payload = b"".join(self._encode({"event": event}) for event in self._pending.values())
        atomic_write_bytes(self.path, payload)
        _fsync_folder(self.path.parent)
        self._file = open(self.path, "ab")
        self._marks = 0

    @staticmethod
    def _encode(entry: dict[str, Any]) -> bytes:
        return (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")

    def _write(self, entry: dict[str, Any]) -> None:
        """Append one line durably; on a disk error the change stays in memory only, and is logged."""
        if self._file is None:
            return
        try:
            self._file.write(self._encode(entry))
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as exc:
            self.write_errors += 1
            log.error("outbox %s: write failed (%s); the change is kept in memory only until the disk is fixed",
                      self.path, exc)

    # --- queue operations -----------------------------------------------------------------------

    def append(self, event: dict[str, Any]) -> None:
        """Add an event (it needs an "event_id"); drops the oldest pending one beyond max_events."""
        with self._changed:
            self._write({"event": event})
            self._pending[str(event["event_id"])] = event
            self._enforce_limit()
            self._compact_if_due()
            self._changed.notify_all()

    def _enforce_limit(self) -> None:
        while len(self._pending) > self.max_events:
            event_id, _ = self._pending.popitem(last=False)
            self._write({"dropped": event_id})
            self._marks += 1
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 100 == 0:
                log.warning("outbox %s is full (%d events): dropped the oldest event %s (%d dropped so far)",
                            self.path, self.max_events, event_id, self.dropped)

    def oldest(self, timeout_s: float) -> dict[str, Any] | None:
        """Return the oldest pending event, waiting up to timeout_s for one, or None if none arrives."""
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self._pending), timeout_s):
                return None
            return next(iter(self._pending.values()))

    def remove(self, event_id: str, outcome: str = "delivered") -> None:
        """Mark an event delivered or rejected; an id no longer pending (dropped meanwhile) is ignored."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome {outcome!r} is invalid; use one of {OUTCOMES}")
        with self._changed:
            if self._pending.pop(event_id, None) is None:
                return
            self._write({outcome: event_id})
            setattr(self, outcome, getattr(self, outcome) + 1)
            self._marks += 1
            self._compact_if_due()
            self._changed.notify_all()

    def _compact_if_due(self) -> None:
        """Rewrite once removal lines outnumber pending events, so the file stays under about twice
        the size of its pending events plus compact_after_marks lines, even while full and dropping."""
        if self._marks >= self.compact_after_marks and self._marks > len(self._pending):
            self._compact()

    def wait_empty(self, timeout_s: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending, timeout_s)

    def pending(self) -> list[dict[str, Any]]:
        with self._changed:
            return list(self._pending.values())

    def __len__(self) -> int:
        return len(self._pending)

    def close(self) -> None:
        with self._changed:
            self._file.close()
            self._lock.release()
