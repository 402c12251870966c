"""The window's stream worker: a QThread that starts, stops, takes commands and swaps models cleanly."""

from __future__ import annotations

import shutil

import pytest
import shiboken6

from helpers_audio import build_stream, require_model, write_audio
from kwapp.model.bundle import load_model_info
from kwapp.pipeline.events import TriggerStore
from kwapp.pipeline.worker import SourceSpec, StreamController

WAIT_MS = 15_000  # generous: the machine may be busy; no assert depends on it


@pytest.fixture
def info():
    return load_model_info(require_model())


@pytest.fixture
def noise_file(tmp_path):
    samples, _ = build_stream([], duration_s=3.0, noise_dbfs=-40.0)
    return write_audio(tmp_path / "noise.wav", samples)


@pytest.fixture
def controller(qtbot, tmp_path):
    store = TriggerStore(tmp_path / "log")
    controller = StreamController(store)
    updates = []
    controller.updated.connect(updates.append)
    controller.updates = updates
    yield controller
    controller.stop()
    store.close()


def is_finished(thread) -> bool:
    """A deleted QThread was deleted by its finished signal, so it finished too."""
    return not shiboken6.isValid(thread) or thread.isFinished()


def test_worker_file_end_finishes_thread(qtbot, controller, info, noise_file):
    with qtbot.waitSignal(controller.ended, timeout=WAIT_MS):
        controller.start(SourceSpec("file", str(noise_file), realtime=False), info, {})
        thread = controller.stream_thread
    qtbot.waitUntil(lambda: not controller.is_running(), timeout=WAIT_MS)
    assert is_finished(thread)


def test_worker_updates_are_contiguous(qtbot, controller, info, noise_file):
    with qtbot.waitSignal(controller.running_changed, timeout=WAIT_MS, check_params_cb=lambda running: not running):
        controller.start(SourceSpec("file", str(noise_file), realtime=False), info, {})
    starts = [u.first_frame for u in controller.updates]
    ends = [u.first_frame + len(u.logmel) for u in controller.updates]
    assert starts[1:] == ends[:-1]
    assert ends[-1] >= 300  # 3 s of 10 ms frames


def test_worker_stop_finishes_thread(qtbot, controller, info, noise_file):
    controller.start(SourceSpec("file", str(noise_file), realtime=True, loop=True), info, {})
    thread = controller.stream_thread
    qtbot.waitUntil(lambda: len(controller.updates) > 0, timeout=WAIT_MS)
    assert controller.stop()
    assert is_finished(thread)


def test_worker_threshold_command(qtbot, controller, info, noise_file):
    controller.start(SourceSpec("file", str(noise_file), realtime=True, loop=True), info, {})
    keyword = info.keywords[0]
    controller.set_threshold(keyword, 0.42)
    worker = controller.worker
    qtbot.waitUntil(lambda: worker.engine is not None and worker.engine.detector.thresholds[keyword] == 0.42,
                    timeout=WAIT_MS)


def test_worker_swaps_model(qtbot, controller, info, noise_file, tmp_path):
    other = shutil.copytree(info.folder, tmp_path / "other_model")
    controller.start(SourceSpec("file", str(noise_file), realtime=True, loop=True), info, {})
    qtbot.waitUntil(lambda: len(controller.updates) > 0, timeout=WAIT_MS)
    with qtbot.waitSignal(controller.model_loaded, timeout=WAIT_MS):
        controller.swap_model(load_model_info(other), {})
    seen = len(controller.updates)
    qtbot.waitUntil(lambda: len(controller.updates) > seen, timeout=WAIT_MS)
    assert controller.worker.engine.info.folder == other


def test_worker_missing_file_fails(qtbot, controller, info, tmp_path):
    missing = tmp_path / "missing.wav"
    with qtbot.waitSignal(controller.failed, timeout=WAIT_MS) as failure:
        controller.start(SourceSpec("file", str(missing)), info, {})
    assert str(missing) in failure.args[0]


def test_worker_bad_swap_keeps_streaming(qtbot, controller, info, noise_file, tmp_path):
    broken = shutil.copytree(info.folder, tmp_path / "broken_model")
    (broken / "model.onnx").write_bytes(b"not an onnx file")
    controller.start(SourceSpec("file", str(noise_file), realtime=True, loop=True), info, {})
    with qtbot.waitSignal(controller.failed, timeout=WAIT_MS):
        controller.swap_model(load_model_info(broken), {})
    seen = len(controller.updates)
    qtbot.waitUntil(lambda: len(controller.updates) > seen, timeout=WAIT_MS)
    assert controller.worker.engine.info.folder == info.folder
