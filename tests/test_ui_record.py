"""Site samples: the Qt-free store, the record panel on a real file stream, and false alarms as negatives."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from helpers_audio import build_stream, require_model, write_audio
from kwapp.model.bundle import load_model_info
from kwapp.pipeline.events import TriggerEvent, TriggerStore, data_home, new_event_id
from kwapp.pipeline.worker import SourceSpec, StreamController
from kwapp.train.samples import LabelError, SampleStore, level_warnings

WAIT_MS = 20_000  # generous: the machine may be busy; no assert depends on it


@pytest.fixture
def store(tmp_path):
    return SampleStore(tmp_path / "samples")


def manifest(store: SampleStore) -> list[dict]:
    return [json.loads(line) for line in store.manifest_path.read_text(encoding="utf-8").splitlines()]


def test_store_writes_wav(store):
    sample = store.add("アテナ", np.full(8000, 0.25, np.float32), speaker="aiko")
    data, rate = sf.read(str(store.path_of(sample)))
    assert (len(data), rate) == (8000, 16000)


def test_store_manifest_record(store):
    sample = store.add("アテナ", np.full(8000, 0.25, np.float32), speaker="aiko", device="mic")
    record = manifest(store)[0]
    assert record == {"op": "add", "label": "アテナ", "clip": sample.clip, "speaker": "aiko", "device": "mic",
                      "time": sample.time, "duration_s": 0.5, "peak_dbfs": pytest.approx(-12.04, abs=0.01)}


def test_store_leaves_no_temp_files(store):
    store.add("go", np.zeros(1600, np.float32))
    assert [p.name for p in (store.root / "go").iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("label", ["", "  ", "/", "..", "a/b", "..\\x", ".hidden"])
def test_store_rejects_bad_label(store, label):
    with pytest.raises(LabelError, match="label"):
        store.add(label, np.zeros(1600, np.float32))


def test_store_relabel_moves_file(store):
    sample = store.add("yes", np.zeros(1600, np.float32))
    moved = store.relabel(sample, "no")
    assert store.path_of(moved).is_file()
    assert not store.path_of(sample).exists()
    assert manifest(store)[-1]["op"] == "relabel"


def test_store_delete_removes_file(store):
    sample = store.add("yes", np.zeros(1600, np.float32))
    store.delete(sample)
    assert not store.path_of(sample).exists()
    assert manifest(store)[-1] == {"op": "delete", "label": "yes", "clip": sample.clip}


@pytest.mark.parametrize("peak, flags", [(0.0, ["clipped"]), (-0.05, ["clipped"]), (-6.0, []), (-40.0, ["quiet"])])
def test_level_warnings(peak, flags):
    assert level_warnings(peak) == flags


@pytest.fixture
def stream(qtbot, tmp_path):
    """A controller streaming a looping file with a spoken 'yes'; stopped after the test."""
    info = load_model_info(require_model())
    samples, _ = build_stream([("yes", 0.5)], duration_s=3.0, noise_dbfs=-45.0)
    path = write_audio(tmp_path / "yes.wav", samples)
    controller = StreamController()
    controller.start(SourceSpec("file", str(path), loop=True), info, {})
    yield controller, info
    controller.stop()


@pytest.fixture
def record_panel(qtbot, stream):
    from kwapp.ui.record_panel import RecordPanel

    controller, info = stream
    panel = RecordPanel(controller, info, SampleStore(data_home() / "samples"))
    panel.countdown_step_ms = 10
    qtbot.addWidget(panel)
    yield panel
    panel.shutdown()


def test_record_keeps_take(qtbot, record_panel):
    record_panel.label_box.setCurrentText("ヘイ")
    record_panel.speaker_edit.setText("aiko")
    record_panel.record_button.click()
    qtbot.waitUntil(lambda: record_panel.pending is not None, timeout=WAIT_MS)
    record_panel.keep_button.click()
    files = list((data_home() / "samples" / "ヘイ").glob("*.wav"))
    assert len(files) == 1
    assert sf.info(str(files[0])).frames == int(record_panel.info.clip_s * 16000)


def test_record_background_folder(qtbot, record_panel):
    record_panel.mode_box.setCurrentIndex(1)
    record_panel.seconds_box.setValue(5)
    record_panel.record_button.click()
    qtbot.waitUntil(lambda: record_panel.pending is not None, timeout=WAIT_MS)
    sample = record_panel.keep()
    assert sample.label == "_background_"
    assert sf.info(str(record_panel.store.path_of(sample))).frames == 5 * 16000


def test_record_rejects_bad_label(qtbot, record_panel):
    record_panel.label_box.setCurrentText("..")
    with qtbot.waitSignal(record_panel.status_message):
        record_panel.record_button.click()
    assert not record_panel.timer.isActive()


def test_record_stops_with_stream(qtbot, record_panel):
    record_panel.countdown_step_ms = 60_000  # the stream stops during the countdown
    record_panel.record_button.click()
    with qtbot.waitSignal(record_panel.status_message):
        record_panel.controller.stop()
    assert record_panel.record_button.isEnabled()
    assert not record_panel.timer.isActive()


def test_false_alarms_become_unknown(qtbot, tmp_path):
    from kwapp.ui.trigger_log import TriggerLogPanel

    store = TriggerStore(tmp_path / "log")
    store.snippet_dir.mkdir()
    marks = {"yes": "false", "go": "true", "stop": "false", "no": None}
    for t, (keyword, mark) in enumerate(marks.items()):
        event_id = new_event_id()
        store.append_event(TriggerEvent(event_id, keyword, 0.9, 0.6, 1_767_000_000.0 + t, float(t), snippet=f"{event_id}.wav"))
        write_audio(store.snippet_dir / f"{event_id}.wav", np.full(1600, 0.1, np.float32))
        store.set_mark(event_id, mark)
    panel = TriggerLogPanel(store)
    qtbot.addWidget(panel)
    panel.negatives_button.click()
    panel.negatives_button.click()  # a second click adds no copies
    assert len(list((data_home() / "samples" / "_unknown_").glob("*.wav"))) == 2
    store.close()
