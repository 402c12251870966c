"""The drawing buffer: columns shift in at the right, markers keep their place in time."""

from __future__ import annotations

import numpy as np
import pytest

from kwapp.audio.source import SourceStats
from kwapp.pipeline.events import TriggerEvent
from kwapp.pipeline.worker import StreamUpdate
from kwapp.ui.history import FrameHistory

HOP_S = 0.01
KEYWORDS = ("yes", "no")


def update(first_frame: int, n: int, n_mels: int = 4, events=(), keywords=KEYWORDS) -> StreamUpdate:
    logmel = np.arange(first_frame, first_frame + n, dtype=np.float32)[:, None].repeat(n_mels, axis=1)
    scores = np.full((n, len(keywords)), 0.5, dtype=np.float32)
    frames = [frame for frame, _ in events]
    found = [TriggerEvent("id", keyword, 0.9, 0.7, 0.0, 0.0) for _, keyword in events]
    return StreamUpdate(1, keywords, first_frame, logmel, scores, found, frames, -30.0, 0.1, 0, SourceStats())


def test_history_newest_column_last():
    history = FrameHistory(4, KEYWORDS, HOP_S, floor=-10.0)
    history.append(update(0, 5))
    history.append(update(5, 3))
    assert history.logmel[0, -8:].tolist() == list(range(8))
    assert history.logmel[0, 0] == -10.0


def test_history_layout_for_image_item():
    history = FrameHistory(4, KEYWORDS, HOP_S, floor=-10.0)
    history.append(update(0, 700))  # more than the capacity
    assert history.logmel.flags["C_CONTIGUOUS"]
    assert history.logmel.dtype == np.float32
    assert history.logmel[0, -1] == 699.0


def test_history_marker_times():
    history = FrameHistory(4, KEYWORDS, HOP_S, floor=-10.0)
    history.append(update(0, 100, events=[(40, "no")]))
    times_s, scores = history.marker_times_s(1)
    assert times_s.tolist() == [40 * HOP_S]
    assert scores.tolist() == [0.9]
    assert history.newest_time_s() - times_s[0] == pytest.approx(59 * HOP_S)


def test_history_markers_of_other_rows():
    history = FrameHistory(4, KEYWORDS, HOP_S, floor=-10.0)
    history.append(update(0, 100, events=[(40, "no")]))
    times_s, scores = history.marker_times_s(0)
    assert times_s.shape == (0,)
    assert scores.shape == (0,)


def test_history_marker_serial():
    history = FrameHistory(4, KEYWORDS, HOP_S, floor=-10.0)
    history.append(update(0, 10))
    before = history.marker_serial
    history.append(update(10, 10))
    assert history.marker_serial == before
    history.append(update(20, 10, events=[(25, "yes")]))
    assert history.marker_serial == before + 1


def test_history_filled_columns():
    history = FrameHistory(4, KEYWORDS, HOP_S, floor=-10.0)
    history.append(update(0, 5))
    history.append(update(5, 3))
    assert history.filled == 8
    history.append(update(8, 700))
    assert history.filled == history.capacity


def test_history_resets_on_new_model():
    history = FrameHistory(4, KEYWORDS, HOP_S, floor=-10.0)
    history.append(update(0, 10))
    history.append(update(10, 2, n_mels=6, keywords=("stop",)))
    assert history.keywords == ("stop",)
    assert history.logmel.shape == (6, history.capacity)
