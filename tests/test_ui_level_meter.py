"""The input level bar: bar length, peak tick and clipping colour, read from its painted pixels."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from kwapp.ui.level_meter import LevelMeter
from kwapp.ui.theme import THEMES

THEME = THEMES["dark"]
WIDTH_PX = 223  # 220 px inside the frame: 1 dB is 220 / 60 px
MIDDLE_Y = 9


@pytest.fixture
def meter(qtbot):
    widget = LevelMeter(THEME)
    widget.setFixedSize(WIDTH_PX, 18)
    qtbot.addWidget(widget)
    return widget


def colour_at(meter: LevelMeter, x: int) -> QColor:
    return meter.grab().toImage().pixelColor(x, MIDDLE_Y)


def test_meter_bar_fills_to_level(meter):
    meter.set_level(-30.0, 10 ** (-12 / 20), False, now=10.0)  # bar ends at 111 px
    assert colour_at(meter, 100) == QColor(THEME.trace)


def test_meter_empty_beyond_level(meter):
    meter.set_level(-30.0, 10 ** (-12 / 20), False, now=10.0)
    assert colour_at(meter, 130) == QColor(THEME.base)


def test_meter_tick_at_peak(meter):
    meter.set_level(-30.0, 10 ** (-12 / 20), False, now=10.0)  # tick at 1.5 + 220 * 48 / 60 px
    assert colour_at(meter, 177) == QColor(THEME.text)


def test_meter_clipping_colour(meter):
    meter.set_level(-3.0, 1.0, True, now=10.0)
    assert colour_at(meter, 100) == QColor(THEME.alarm)
