"""The trigger log: events with ids, an append-only JSON-lines store, WAV snippets and CSV export.

Qt-free. The store is safe to use from two threads: the stream worker appends events, the window
appends marks and exports. Every record is one line, flushed and fsynced before append returns, so
killing the process loses no line that was appended. A line cut short by a kill during the write
is skipped (and counted) when the file is read again.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import json
import logging
import os
import threading
import uuid
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import platformdirs

log = logging.getLogger(__name__)

KWAPP_HOME_ENV = "KWAPP_HOME"  # overrides the per-user data folder (tests, portable installs)
LOG_NAME = "triggers.jsonl"
SNIPPET_DIR_NAME = "snippets"
MAX_EVENTS_IN_MEMORY = 10_000  # older events stay in the file but leave the in-memory list
SNIPPET_PRE_S = 1.0  # audio kept before the frame that fired
SNIPPET_POST_S = 0.5  # audio kept after it
HISTORY_S = 4.0  # recent audio kept for snippets: pre-roll + post-roll + detection delay, with slack
MARKS = ("true", "false")  # a user's verdict on an event; None means not reviewed
CSV_COLUMNS = ("local_time", "keyword", "score", "threshold", "mark", "event_id", "source", "model", "snippet")


def data_home() -> Path:
    """Return the folder for kwapp's user data: $KWAPP_HOME when set, else the platform's user data dir."""
    override = os.environ.get(KWAPP_HOME_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("kwapp", appauthor=False))


def new_event_id() -> str:
    return uuid.uuid4().hex


def local_time_text(time_unix: float) -> str:
    """Local wall-clock time with milliseconds, e.g. 2026-12-04 21:58:13.042."""
    stamp = datetime.datetime.fromtimestamp(time_unix).astimezone()
    return stamp.strftime("%Y-%m-%d %H:%M:%S.") + f"{stamp.microsecond // 1000:03d}"


@dataclasses.dataclass(frozen=True)
class TriggerEvent:
    """One detection as the log keeps it; `event_id` identifies it in marks, snippets and actions."""

    event_id: str  # uuid4 hex
    keyword: str
    score: float  # smoothed score when it fired, 0..1
    threshold: float  # the keyword's threshold at that moment
    time_unix: float  # wall-clock time of the detection, seconds since the epoch
    stream_t: float  # seconds from the start of the stream to the frame that fired
    source: str = ""  # input device or file name
    model: str = ""  # model folder name
    snippet: str | None = None  # WAV file name in the store's snippet folder

    @property
    def local_time(self) -> str:
        return local_time_text(self.time_unix)

    def to_record(self) -> dict[str, Any]:
        return {"type": "event", **dataclasses.asdict(self)}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "TriggerEvent":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in record.items() if k in names})


class TriggerStore:
    """Events and marks in `<folder>/triggers.jsonl`, snippets in `<folder>/snippets/`.

    NOTE: neither the log nor the snippet folder is pruned. Each trigger adds one line and one
    short WAV (about 48 kB) until someone deletes them.
    """

    def __init__(self, folder: Path | str, max_events: int = MAX_EVENTS_IN_MEMORY):
        self.folder = Path(folder)
        self.log_path = self.folder / LOG_NAME
        self.snippet_dir = self.folder / SNIPPET_DIR_NAME
        self.max_events = max_events
        self.events: list[TriggerEvent] = []  # oldest first, at most max_events
        self.marks: dict[str, str] = {}  # event_id -> "true" / "false"
        self.skipped_lines = 0  # unreadable lines, e.g. one cut short by a kill
        self.evicted_events = 0  # events read or appended beyond max_events, kept only in the file
        self._lock = threading.Lock()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._load()
        self._file = open(self.log_path, "ab")
        self._terminate_partial_line()

    def _load(self) -> None:
        if not self.log_path.is_file():
            return
        with open(self.log_path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                self._load_line(number, line)
        if self.skipped_lines:
            log.warning("skipped %d unreadable lines in %s", self.skipped_lines, self.log_path)
        log.info("trigger log %s: %d events, %d marks", self.log_path, len(self.events) + self.evicted_events, len(self.marks))

    def _load_line(self, number: int, line: bytes) -> None:
        if not line.strip():
            return
        try:
            record = json.loads(line)
            if record.get("type") == "event":
                self._keep(TriggerEvent.from_record(record))
            elif record.get("type") == "mark":
                self._apply_mark(record["event_id"], record.get("mark"))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.skipped_lines += 1
            log.debug("%s line %d unreadable: %s", self.log_path, number, exc)

    def _terminate_partial_line(self) -> None:
        """End a line left without its newline by a kill, so the next record starts on its own line."""
        size = self.log_path.stat().st_size
        if size == 0:
            return
        with open(self.log_path, "rb") as handle:
            handle.seek(size - 1)
            if handle.read(1) != b"\n":
                self._write_line(b"\n")

    def _keep(self, event: TriggerEvent) -> None:
        self.events.append(event)
        if len(self.events) > self.max_events:
            del self.events[0]
            self.evicted_events += 1

    def _apply_mark(self, event_id: str, mark: str | None) -> None:
        if mark is None:
            self.marks.pop(event_id, None)
        elif mark in MARKS:
            self.marks[event_id] = mark
        else:
            raise ValueError(f"mark {mark!r} is invalid; use one of {MARKS} or None")

    def _write_line(self, payload: bytes) -> None:
        self._file.write(payload)
        self._file.flush()
        os.fsync(self._file.fileno())

    def _append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
        self._write_line(line)

    def append_event(self, event: TriggerEvent) -> None:
        with self._lock:
            self._append(event.to_record())
            self._keep(event)

    def set_mark(self, event_id: str, mark: str | None) -> None:
        """Record a verdict ("true", "false") or clear it (None); the log keeps every change."""
        with self._lock:
            self._apply_mark(event_id, mark)
            self._append({"type": "mark", "event_id": event_id, "mark": mark, "time_unix": datetime.datetime.now().timestamp()})

    def mark_of(self, event_id: str) -> str | None:
        return self.marks.get(event_id)

    def snippet_path(self, event: TriggerEvent) -> Path | None:
        return None if event.snippet is None else self.snippet_dir / event.snippet

    def export_csv(self, path: Path | str, events: Iterable[TriggerEvent]) -> int:
        """Write the events as CSV (UTF-8 with BOM, which Excel needs for Japanese text); returns the row count."""
        rows = 0
        with open(path, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for event in events:
                writer.writerow([event.local_time, event.keyword, f"{event.score:.4f}", f"{event.threshold:.4f}",
                                 self.mark_of(event.event_id) or "", event.event_id, event.source, event.model,
                                 event.snippet or ""])
                rows += 1
        log.info("exported %d trigger events to %s", rows, path)
        return rows

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.close()


class SnippetRecorder:
    """Keeps the most recent HISTORY_S of 16 kHz audio and cuts a snippet around each requested sample.

    Audio older than the history is overwritten (oldest first); a snippet whose pre-roll was
    already overwritten starts later and `shortened` counts it. A snippet is cut once its
    post-roll has arrived, or by `finish()` with whatever post-roll exists.
    """

    def __init__(self, sample_rate_hz: int, history_s: float = HISTORY_S,
                 pre_s: float = SNIPPET_PRE_S, post_s: float = SNIPPET_POST_S):
        self._buf = np.zeros(int(history_s * sample_rate_hz), dtype=np.float32)
        self.pre_samples = int(pre_s * sample_rate_hz)
        self.post_samples = int(post_s * sample_rate_hz)
        self.samples_in = 0  # total samples ever pushed
        self.shortened = 0
        self._pending: list[tuple[str, int]] = []  # (key, centre sample)

    def push(self, block: np.ndarray) -> list[tuple[str, np.ndarray]]:
        """Append samples; returns (key, snippet) for every snippet whose post-roll is now complete."""
        capacity = len(self._buf)
        if len(block) > capacity:  # only the newest `capacity` samples can be kept
            self.samples_in += len(block) - capacity
            block = block[-capacity:]
        start = self.samples_in % capacity
        first = min(len(block), capacity - start)
        self._buf[start : start + first] = block[:first]
        self._buf[: len(block) - first] = block[first:]
        self.samples_in += len(block)
        return self._cut(lambda centre: centre + self.post_samples <= self.samples_in)

    def add(self, key: str, centre_sample: int) -> None:
        """Request a snippet around `centre_sample` (an absolute index in the pushed audio)."""
        self._pending.append((key, centre_sample))

    def finish(self) -> list[tuple[str, np.ndarray]]:
        """Cut every pending snippet with the audio there is (end of stream)."""
        return self._cut(lambda centre: True)

    def _cut(self, ready) -> list[tuple[str, np.ndarray]]:
        done = [(key, centre) for key, centre in self._pending if ready(centre)]
        self._pending = [(key, centre) for key, centre in self._pending if not ready(centre)]
        return [(key, self._range(centre - self.pre_samples, centre + self.post_samples)) for key, centre in done]

    def _range(self, start: int, end: int) -> np.ndarray:
        oldest = max(0, self.samples_in - len(self._buf))
        if 0 < oldest and start < oldest:
            self.shortened += 1
        start, end = max(start, oldest), min(end, self.samples_in)
        if end <= start:
            return np.zeros(0, dtype=np.float32)
        index = np.arange(start, end) % len(self._buf)
        return self._buf[index]
