"""The monitoring window end to end: real files, real ONNX Runtime, Qt offscreen."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from helpers_audio import build_stream, require_model, write_audio
from kwapp.pipeline.events import TriggerStore, data_home
from kwapp.pipeline.worker import SourceSpec

WAIT_MS = 20_000  # generous: the machine may be busy; no assert depends on it


@pytest.fixture
def open_window(qtbot):
    """Opens the window through the app's start-up path; qtbot closes it after the test."""
    from kwapp.app import create_window

    def make(path, language="en"):
        window = create_window(SourceSpec("file", str(path)), require_model(), language)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def keyword_file(tmp_path):
    samples, _ = build_stream([("yes", 0.6)], duration_s=2.5, noise_dbfs=-50.0)
    return write_audio(tmp_path / "yes.wav", samples)


@pytest.fixture
def long_file(tmp_path):
    samples, _ = build_stream([], duration_s=30.0, noise_dbfs=-45.0)
    return write_audio(tmp_path / "noise.wav", samples)


def drag(view, plot, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Press, move and release the left button between two points in a plot's data coordinates."""
    box = plot.getViewBox()
    points = [view.mapFromScene(box.mapViewToScene(QPointF(*p))) for p in (start, (start[0], (start[1] + end[1]) / 2), end)]
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
    for point in points[1:]:
        QTest.mouseMove(view.viewport(), point)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])


def test_window_logs_detection(qtbot, open_window, keyword_file):
    window = open_window(keyword_file)
    table = window.trigger_panel.model
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=WAIT_MS)
    assert table.event_at(0).keyword == "yes"


def test_window_saves_snippet(qtbot, open_window, keyword_file):
    window = open_window(keyword_file)
    table = window.trigger_panel.model
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=WAIT_MS)
    path = window.store.snippet_path(table.event_at(0))
    qtbot.waitUntil(path.is_file, timeout=WAIT_MS)


def test_window_draws_spectrogram(qtbot, open_window, keyword_file):
    window = open_window(keyword_file)
    qtbot.waitUntil(lambda: window.history.total_frames > 100, timeout=WAIT_MS)
    assert window.live_view.spectrogram.image.image is not None


def test_window_drag_sets_threshold(qtbot, open_window, long_file):
    window = open_window(long_file)
    qtbot.waitUntil(lambda: window.history.total_frames > 0, timeout=WAIT_MS)
    keyword = window.info.keywords[0]
    trace = window.confidence.traces[keyword]
    drag(window.live_view, trace.plot, (-3.0, trace.line.value()), (-3.0, 0.3))
    dragged = trace.line.value()
    assert dragged == pytest.approx(0.3, abs=0.05)
    detector = window.controller.worker.engine.detector
    qtbot.waitUntil(lambda: detector.thresholds[keyword] == dragged, timeout=WAIT_MS)
    assert window.keyword_panel.threshold_spins[keyword].value() == pytest.approx(dragged, abs=1e-3)


def test_window_close_stops_threads(qtbot, open_window, long_file):
    window = open_window(long_file)
    qtbot.waitUntil(lambda: window.history.total_frames > 0, timeout=WAIT_MS)
    thread = window.controller.stream_thread
    window.close()
    assert not shiboken6.isValid(thread) or thread.isFinished()
    assert not [t.name for t in threading.enumerate() if t.name == "kwapp-playback" and t.is_alive()]


def test_window_switches_language(qtbot, open_window, long_file):
    window = open_window(long_file)
    assert window.tabs.tabText(1) == "Keywords"
    window.set_language("ja")
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "キーワード", timeout=WAIT_MS)
    assert window.input_bar.start_button.text() == "停止"


def test_window_shows_logged_events_after_restart(qtbot, open_window, keyword_file):
    window = open_window(keyword_file)
    qtbot.waitUntil(lambda: window.trigger_panel.model.rowCount() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.controller.is_running(), timeout=WAIT_MS)
    logged = window.trigger_panel.model.shown_events()
    window.close()
    reopened = TriggerStore(data_home())
    assert list(reversed(reopened.events)) == logged


def test_window_loads_other_model(qtbot, open_window, long_file, tmp_path):
    import shutil

    window = open_window(long_file)
    qtbot.waitUntil(lambda: window.history.total_frames > 0, timeout=WAIT_MS)
    other = shutil.copytree(window.info.folder, tmp_path / "site_model")
    with qtbot.waitSignal(window.controller.model_loaded, timeout=WAIT_MS):
        assert window.load_model(other)
    assert window.model_panel.folder_label.text() == str(other)


def test_window_keeps_threshold_setting(qtbot, open_window, long_file):
    first = open_window(long_file)
    keyword = first.info.keywords[-1]
    first.keyword_panel.threshold_spins[keyword].setValue(0.55)
    first.close()
    second = open_window(long_file)
    assert second.confidence.traces[keyword].line.value() == pytest.approx(0.55)
    qtbot.waitUntil(lambda: second.controller.worker.engine is not None, timeout=WAIT_MS)
    assert second.controller.worker.engine.detector.thresholds[keyword] == pytest.approx(0.55)


@pytest.mark.parametrize("args, fragment", [
    (["gui", "--source", "missing.wav"], "audio file missing.wav not found"),
    (["--source", "missing.wav"], "audio file missing.wav not found"),
    (["gui", "--device", "no-such-microphone-7f3a"], "input device 'no-such-microphone-7f3a' not found"),
])
def test_gui_command_rejects_bad_source(args, fragment):
    import os

    from helpers_audio import run_kwapp

    result = run_kwapp(*args, env=dict(os.environ))
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_window_lights_clip_indicator(qtbot, open_window, tmp_path):
    import numpy as np

    square = np.where(np.arange(16_000 * 3) % 40 < 20, 1.0, -1.0).astype(np.float32)
    window = open_window(write_audio(tmp_path / "clipped.wav", square))
    badge = window.input_bar.clip_badge
    qtbot.waitUntil(lambda: window.theme.alarm in badge.styleSheet(), timeout=WAIT_MS)
    assert window.input_bar.meter.clipping


def test_window_collects_in_gui_thread(qtbot, open_window, long_file):
    import gc

    window = open_window(long_file)
    assert not gc.isenabled()  # the worker thread must never run a collection
    window.close()
    assert gc.isenabled()


def test_device_watcher_reports_change(qtbot, tmp_path):
    from kwapp.ui.device_watcher import DeviceWatcher

    watcher = DeviceWatcher(folders=(str(tmp_path),))
    with qtbot.waitSignal(watcher.changed, timeout=WAIT_MS):
        (tmp_path / "pcmC1D0c").touch()


def test_device_change_while_streaming_hints(qtbot, open_window, long_file, tmp_path):
    window = open_window(long_file)
    folder = tmp_path / "snd"
    folder.mkdir()
    assert window.device_watcher.watch(folder)
    (folder / "pcmC1D0c").touch()
    qtbot.waitUntil(lambda: "press Refresh" in window.statusBar().currentMessage(), timeout=WAIT_MS)


def test_device_change_when_stopped_rescans(qtbot, open_window, long_file, tmp_path):
    window = open_window(long_file)
    window.stop_stream()
    folder = tmp_path / "snd"
    folder.mkdir()
    window.device_watcher.watch(folder)
    (folder / "pcmC1D0c").touch()
    qtbot.waitUntil(lambda: "the list is updated" in window.statusBar().currentMessage(), timeout=WAIT_MS)
