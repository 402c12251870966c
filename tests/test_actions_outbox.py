"""Outbox: the on-disk queue keeps order, survives reopening and crashes, and respects its size limit."""

from __future__ import annotations

import json

import pytest

from kwapp.pipeline.outbox import Outbox, OutboxInUseError


def event(n: int) -> dict:
    return {"event_id": f"id{n:04d}", "keyword": "yes", "stream_t": float(n)}


def ids(box: Outbox) -> list[str]:
    return [e["event_id"] for e in box.pending()]


@pytest.fixture
def path(tmp_path):
    return tmp_path / "box" / "mqtt.jsonl"


def test_outbox_oldest_first(path):
    box = Outbox(path)
    for n in range(3):
        box.append(event(n))
    assert box.oldest(0)["event_id"] == "id0000"
    box.remove("id0000")
    assert box.oldest(0)["event_id"] == "id0001"
    box.close()


def test_outbox_empty_returns_none(path):
    box = Outbox(path)
    assert box.oldest(0.01) is None
    assert box.wait_empty(0)
    box.close()


def test_outbox_reopen_keeps_pending(path):
    box = Outbox(path)
    for n in range(4):
        box.append(event(n))
    box.remove("id0001")
    box.remove("id0002", "rejected")
    box.close()
    reopened = Outbox(path)
    assert ids(reopened) == ["id0000", "id0003"]
    reopened.close()


def test_outbox_lines_on_disk(path):
    box = Outbox(path)
    box.append(event(0))
    box.append(event(1))
    box.remove("id0000")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    box.close()
    assert lines == [{"event": event(0)}, {"event": event(1)}, {"delivered": "id0000"}]


def test_outbox_torn_last_line(path):
    box = Outbox(path)
    box.append(event(0))
    box.close()
    with open(path, "ab") as handle:
        handle.write(b'{"event": {"event_id": "id00')  # a crash in the middle of a write
    reopened = Outbox(path)
    reopened.append(event(1))
    reopened.close()
    again = Outbox(path)
    assert ids(again) == ["id0000", "id0001"]
    again.close()


def test_outbox_compacts_marks(path):
    box = Outbox(path, compact_after_marks=10)
    for n in range(30):
        box.append(event(n))
    for n in range(25):
        box.remove(f"id{n:04d}")
    lines = path.read_text().splitlines()
    box.close()
    assert len(lines) < 30  # without compaction: 30 events + 25 marks
    reopened = Outbox(path)
    assert ids(reopened) == [f"id{n:04d}" for n in range(25, 30)]
    reopened.close()


def test_outbox_limit_drops_oldest(path):
    box = Outbox(path, max_events=3)
    for n in range(5):
        box.append(event(n))
    assert ids(box) == ["id0002", "id0003", "id0004"]
    assert box.dropped == 2
    box.close()
    reopened = Outbox(path, max_events=3)
    assert ids(reopened) == ["id0002", "id0003", "id0004"]
    reopened.close()


def test_outbox_full_file_bounded(path):
    box = Outbox(path, max_events=3, compact_after_marks=10)
    for n in range(200):
        box.append(event(n))
    lines = path.read_text().splitlines()
    box.close()
    assert len(lines) <= 3 + 2 * 10 + 2  # pending events, then marks and events until the next rewrite


def test_outbox_lower_limit_on_reopen(path):
    box = Outbox(path)
    for n in range(5):
        box.append(event(n))
    box.close()
    smaller = Outbox(path, max_events=2)
    assert ids(smaller) == ["id0003", "id0004"]
    assert smaller.dropped == 3
    smaller.close()


def test_outbox_remove_unknown_ignored(path):
    box = Outbox(path)
    box.append(event(0))
    box.remove("not-there")
    assert ids(box) == ["id0000"]
    assert box.delivered == 0
    box.close()


def test_outbox_second_user_rejected(path):
    box = Outbox(path)
    with pytest.raises(OutboxInUseError, match="another kwapp process"):
        Outbox(path)
    box.close()
    Outbox(path).close()  # free again once closed


def test_outbox_invalid_limit(path):
    with pytest.raises(ValueError, match="size limit 0"):
        Outbox(path, max_events=0)
