"""The live plots drawn from a FrameHistory: redraw pacing, filled columns, markers, image format, axes."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kwapp.audio.source import SourceStats
from kwapp.pipeline.events import TriggerEvent
from kwapp.pipeline.worker import StreamUpdate
from kwapp.ui.history import FrameHistory
from kwapp.ui.live_view import MIN_REDRAW_S, LiveView
from kwapp.ui.theme import THEMES

HOP_S = 0.01
N_MELS = 8
KEYWORDS = ("yes", "no")
THEME = THEMES["dark"]


def update(first_frame: int, n: int, events=()) -> StreamUpdate:
    """Frames with scores of 0.2, and a detection (score 0.8) at each (frame, keyword) in `events`."""
    logmel = np.zeros((n, N_MELS), dtype=np.float32)
    scores = np.full((n, len(KEYWORDS)), 0.2, dtype=np.float32)
    frames = [frame for frame, _ in events]
    found = [TriggerEvent("id", keyword, 0.8, 0.7, 0.0, 0.0) for _, keyword in events]
    return StreamUpdate(1, KEYWORDS, first_frame, logmel, scores, found, frames, -30.0, 0.1, 0, SourceStats())


@pytest.fixture
def view(qtbot):
    """Return a LiveView inside a host widget, as in the window.

    Closing a top-level pyqtgraph GraphicsView segfaults (pyqtgraph 0.14, PySide6 6.11).
    """
    host = QWidget()
    live = LiveView(THEME)
    QVBoxLayout(host).addWidget(live)
    live.set_keywords({"yes": 0.5, "no": 0.5})
    host.resize(800, 600)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    yield live  # the fixture holds `host` until the test ends: qtbot keeps only a weak reference


@pytest.fixture
def history():
    return FrameHistory(N_MELS, KEYWORDS, HOP_S, floor=-10.0)


def marker_pixels(view: LiveView, keyword: str, point: tuple[float, float]) -> int:
    """Count pixels of the marker colour within 8 px of a point in a trace's data coordinates."""
    box = view.confidence.traces[keyword].plot.getViewBox()
    centre = view.mapFromScene(box.mapViewToScene(QPointF(*point)))
    image = view.grab().toImage()
    marker = QColor(THEME.marker)
    return sum(image.pixelColor(x, y) == marker
               for x in range(centre.x() - 8, centre.x() + 9)
               for y in range(centre.y() - 8, centre.y() + 9))


def test_redraw_waits_min_interval(view, history):
    history.append(update(0, 10))
    view.redraw(history, now_s=100.0)
    history.dirty = False  # as the window's timer does before each call
    history.append(update(10, 10))
    history.dirty = False
    view.redraw(history, now_s=100.0 + MIN_REDRAW_S / 2)
    assert history.dirty
    assert len(view.confidence.traces["yes"].curve.xData) == 10


def test_redraw_after_min_interval(view, history):
    history.append(update(0, 10))
    view.redraw(history, now_s=100.0)
    history.append(update(10, 10))
    history.dirty = False
    view.redraw(history, now_s=100.0 + MIN_REDRAW_S)
    assert not history.dirty
    assert len(view.confidence.traces["yes"].curve.xData) == 20


def test_trace_draws_filled_columns(view, history):
    history.append(update(0, 50))
    view.redraw(history, now_s=100.0)
    curve = view.confidence.traces["no"].curve
    assert curve.xData[0] == pytest.approx(-49 * HOP_S)
    assert curve.xData[-1] == 0.0
    assert np.all(curve.yData == np.float32(0.2))


def test_marker_drawn_at_detection(qtbot, view, history):
    history.append(update(0, 300, events=[(100, "yes")]))
    view.redraw(history, now_s=100.0)
    history.append(update(300, 100))  # the marker scrolls left by 1 s
    view.redraw(history, now_s=200.0)
    assert marker_pixels(view, "yes", (-299 * HOP_S, 0.8)) > 10


def test_marker_only_on_its_row(qtbot, view, history):
    history.append(update(0, 300, events=[(100, "yes")]))
    view.redraw(history, now_s=100.0)
    assert marker_pixels(view, "no", (-199 * HOP_S, 0.8)) == 0


def test_spectrogram_line_at_detection(view, history):
    history.append(update(0, 300, events=[(100, "no")]))
    view.redraw(history, now_s=100.0)
    lines = view.spectrogram.markers
    x_data, _ = lines.getData()
    assert x_data[0] + lines.pos().x() == pytest.approx(-199 * HOP_S)


def test_spectrogram_image_rgb32(qtbot, view, history):
    history.append(update(0, 20))
    view.redraw(history, now_s=100.0)
    view.grab()  # paints, which renders the image
    assert view.spectrogram.image.qimage.format() == QImage.Format.Format_RGB32


def test_axis_bounds_follow_resize(qtbot, view):
    axis = view.spectrogram.plot.getAxis("left")
    before = axis.boundingRect().height()
    view.parentWidget().resize(800, 900)
    qtbot.waitUntil(lambda: axis.boundingRect().height() != before, timeout=5000)
    assert axis.boundingRect().height() > before
