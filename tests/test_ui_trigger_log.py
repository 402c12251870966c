"""The trigger log: the JSON-lines store across restarts and kills, snippets, the table and CSV export."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from kwapp.pipeline.events import SnippetRecorder, TriggerEvent, TriggerStore, new_event_id

SAMPLE_RATE_HZ = 16_000


def make_event(keyword: str, score: float, t: float) -> TriggerEvent:
    event_id = new_event_id()
    return TriggerEvent(event_id=event_id, keyword=keyword, score=score, threshold=0.6, time_unix=1_767_000_000.0 + t,
                        stream_t=t, source="line.wav", model="default", snippet=f"{event_id}.wav")


@pytest.fixture
def filled_store(tmp_path):
    store = TriggerStore(tmp_path / "log")
    events = [make_event("yes", 0.91, 1.0), make_event("stop", 0.72, 2.5), make_event("go", 0.65, 4.0)]
    for event in events:
        store.append_event(event)
    store.set_mark(events[0].event_id, "true")
    store.set_mark(events[1].event_id, "false")
    yield store, events
    store.close()


def test_store_reopen_keeps_events(filled_store, tmp_path):
    store, events = filled_store
    store.close()
    reopened = TriggerStore(tmp_path / "log")
    assert reopened.events == events


def test_store_reopen_keeps_marks(filled_store, tmp_path):
    store, events = filled_store
    store.set_mark(events[1].event_id, None)  # a cleared mark is a record too
    store.close()
    reopened = TriggerStore(tmp_path / "log")
    assert reopened.marks == {events[0].event_id: "true"}


def test_store_lines_are_records(filled_store):
    store, events = filled_store
    lines = store.log_path.read_text(encoding="utf-8").splitlines()
    kinds = [json.loads(line)["type"] for line in lines]
    assert kinds == ["event", "event", "event", "mark", "mark"]


def test_store_event_ids_are_uuid_hex(filled_store):
    _, events = filled_store
    ids = [e.event_id for e in events]
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids) and len(set(ids)) == 3


def test_store_skips_line_cut_by_kill(filled_store, tmp_path):
    store, events = filled_store
    store.close()
    with open(store.log_path, "ab") as handle:  # what a kill in the middle of a write leaves
        handle.write(b'{"type": "event", "event_id": "ab')
    survivor = TriggerStore(tmp_path / "log")
    late = make_event("no", 0.8, 9.0)
    survivor.append_event(late)
    survivor.close()
    reopened = TriggerStore(tmp_path / "log")
    assert reopened.skipped_lines == 1
    assert reopened.events == [*events, late]


def test_store_memory_is_bounded(tmp_path):
    store = TriggerStore(tmp_path / "log", max_events=2)
    events = [make_event("yes", 0.9, t) for t in range(3)]
    for event in events:
        store.append_event(event)
    store.close()
    reopened = TriggerStore(tmp_path / "log", max_events=2)
    assert reopened.events == events[1:]
    assert reopened.evicted_events == 1


def test_store_rejects_unknown_mark(filled_store):
    store, events = filled_store
    with pytest.raises(ValueError, match="maybe"):
        store.set_mark(events[0].event_id, "maybe")


def test_snippet_has_pre_and_post_roll():
    recorder = SnippetRecorder(SAMPLE_RATE_HZ)
    ramp = np.arange(3 * SAMPLE_RATE_HZ, dtype=np.float32)
    recorder.push(ramp[: 2 * SAMPLE_RATE_HZ])
    recorder.add("a", centre_sample=int(1.8 * SAMPLE_RATE_HZ))
    assert recorder.push(ramp[2 * SAMPLE_RATE_HZ : int(2.2 * SAMPLE_RATE_HZ)]) == []  # post-roll incomplete
    (key, snippet), = recorder.push(ramp[int(2.2 * SAMPLE_RATE_HZ) :])
    assert key == "a"
    assert np.array_equal(snippet, ramp[int(0.8 * SAMPLE_RATE_HZ) : int(2.3 * SAMPLE_RATE_HZ)])


def test_snippet_finish_cuts_short():
    recorder = SnippetRecorder(SAMPLE_RATE_HZ)
    recorder.push(np.ones(SAMPLE_RATE_HZ, dtype=np.float32))
    recorder.add("end", centre_sample=SAMPLE_RATE_HZ - 100)
    (_, snippet), = recorder.finish()
    assert len(snippet) == SAMPLE_RATE_HZ


def test_snippet_history_overwrites_oldest():
    recorder = SnippetRecorder(SAMPLE_RATE_HZ, history_s=1.0)
    recorder.push(np.arange(3 * SAMPLE_RATE_HZ, dtype=np.float32))
    recorder.add("old", centre_sample=int(2.5 * SAMPLE_RATE_HZ))
    (_, snippet), = recorder.finish()
    assert snippet[0] == 2 * SAMPLE_RATE_HZ
    assert recorder.shortened == 1


def test_csv_export_writes_rows_shown(qtbot, filled_store, tmp_path):
    from kwapp.ui.trigger_log import TriggerLogPanel

    store, _ = filled_store
    panel = TriggerLogPanel(store)
    qtbot.addWidget(panel)
    model = panel.model
    shown = [[model.data(model.index(row, column)) for column in range(model.columnCount())]
             for row in range(model.rowCount())]
    path = tmp_path / "export.csv"
    assert panel.export_csv(path) == 3
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    exported = [[r["local_time"], r["keyword"], f"{float(r['score']):.3f}", f"{float(r['threshold']):.3f}",
                 model.mark_text(r["mark"] or None)] for r in rows]
    assert exported == shown


def test_table_shows_newest_first(qtbot, filled_store):
    from kwapp.ui.trigger_log import TriggerLogPanel

    store, events = filled_store
    panel = TriggerLogPanel(store)
    qtbot.addWidget(panel)
    late = make_event("no", 0.8, 9.0)
    panel.add_events([late])
    keywords = [panel.model.event_at(row).keyword for row in range(panel.model.rowCount())]
    assert keywords == ["no", "go", "stop", "yes"]


def test_mark_from_panel_persists(qtbot, filled_store, tmp_path):
    from kwapp.ui.trigger_log import TriggerLogPanel

    store, events = filled_store
    panel = TriggerLogPanel(store)
    qtbot.addWidget(panel)
    panel.mark_row(0, "false")  # row 0 is the newest event, "go"
    store.close()
    assert TriggerStore(tmp_path / "log").marks[events[2].event_id] == "false"


def test_play_without_snippet_reports(qtbot, filled_store):
    from kwapp.ui.trigger_log import TriggerLogPanel

    store, _ = filled_store
    panel = TriggerLogPanel(store)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.status_message) as message:
        panel.play_row(0)
    assert "No audio" in message.args[0]


def test_play_snippet_or_report(qtbot, filled_store):
    """Plays where an output device exists; elsewhere the panel reports the failure instead of raising."""
    import sounddevice as sd

    from kwapp.audio.wavio import write_wav_atomic
    from kwapp.ui.trigger_log import TriggerLogPanel

    store, events = filled_store
    write_wav_atomic(store.snippet_path(events[2]), np.zeros(SAMPLE_RATE_HZ // 10, dtype=np.float32))
    panel = TriggerLogPanel(store)
    qtbot.addWidget(panel)
    if sd.default.device[1] is not None and sd.default.device[1] >= 0:
        panel.play_row(0)
        assert panel.player.stop()
        return
    with qtbot.waitSignal(panel.status_message) as message:
        panel.play_row(0)
    assert "Playback failed" in message.args[0]
    assert panel.player.stop()
