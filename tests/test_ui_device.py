"""The window on a live input device: a private PulseAudio server with a pipe source (see test_pulse_device)."""

from __future__ import annotations

import numpy as np
import pytest
import shiboken6

from helpers_audio import require_model
from kwapp.config import SAMPLE_RATE_HZ
from kwapp.pipeline.worker import SourceSpec
from test_pulse_device import DEVICE, pulse, pulse_client  # noqa: F401  (fixtures)

WAIT_MS = 20_000  # generous: the machine may be busy; no assert depends on it


@pytest.fixture
def device_window(qtbot, pulse_client):  # noqa: F811
    from kwapp.app import create_window

    window = create_window(SourceSpec("device", DEVICE), require_model(), "en")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()  # before pulse_client re-initialises PortAudio under an open stream


def tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    return (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def test_device_listed_in_picker(device_window):
    spec = device_window.input_bar.current_spec()
    assert spec.kind == "device"
    assert spec.name == DEVICE


def test_mic_lost_alarm_clears_itself(qtbot, device_window, pulse_client):  # noqa: F811
    badge = device_window.input_bar.lost_badge
    writer = pulse_client.write_in_background(tone(1.0))
    qtbot.waitUntil(lambda: device_window.history.total_frames > 50, timeout=WAIT_MS)
    writer.join()
    qtbot.waitUntil(lambda: badge.isVisibleTo(device_window), timeout=WAIT_MS)  # nothing written: a stall
    writer = pulse_client.write_in_background(tone(3.0))
    qtbot.waitUntil(lambda: not badge.isVisibleTo(device_window), timeout=WAIT_MS)
    writer.join()


def test_refresh_restarts_stream(qtbot, device_window):
    old = device_window.controller.stream_thread
    device_window.refresh_devices()
    assert not shiboken6.isValid(old) or old.isFinished()
    assert device_window.controller.is_running()


def test_source_change_restarts_stream(qtbot, device_window, tmp_path):
    import soundfile as sf

    path = tmp_path / "tone.wav"
    sf.write(str(path), tone(5.0), SAMPLE_RATE_HZ)
    old = device_window.controller.stream_thread
    device_window.input_bar.set_file(path)
    device_window.input_bar.source_changed.emit()
    assert not shiboken6.isValid(old) or old.isFinished()
    assert device_window.controller.worker.spec.kind == "file"
