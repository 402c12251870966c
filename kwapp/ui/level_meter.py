"""Input level bar in dBFS with a peak-hold tick."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from kwapp.ui.theme import Theme

METER_FLOOR_DBFS = -60.0
PEAK_HOLD_S = 1.5
PEAK_FALL_DB_PER_S = 20.0


def peak_dbfs(peak: float) -> float:
    return METER_FLOOR_DBFS if peak <= 0.0 else max(METER_FLOOR_DBFS, 20.0 * math.log10(peak))


class LevelMeter(QWidget):
    """Grey bar for the RMS level, a tick for the held sample peak; red only while clipping."""

    def __init__(self, theme: Theme, parent=None):
        super().__init__(parent)
        self.theme = theme
        self.level_dbfs = METER_FLOOR_DBFS
        self.held_peak_dbfs = METER_FLOOR_DBFS
        self._peak_time = 0.0
        self.clipping = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(160)

    def sizeHint(self) -> QSize:
        return QSize(220, 18)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    def set_level(self, level_dbfs: float, peak: float, clipping: bool, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self.level_dbfs = max(METER_FLOOR_DBFS, level_dbfs)
        peak_db = peak_dbfs(peak)
        held = self.held_peak_dbfs
        if now - self._peak_time > PEAK_HOLD_S:
            held -= PEAK_FALL_DB_PER_S * (now - self._peak_time - PEAK_HOLD_S)
        if peak_db >= held:
            held, self._peak_time = peak_db, now
        self.held_peak_dbfs = max(METER_FLOOR_DBFS, held)
        self.clipping = clipping
        self.update()

    def _x(self, dbfs: float, width: float) -> float:
        return width * (dbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QColor(self.theme.muted))
        painter.setBrush(QColor(self.theme.base))
        painter.drawRect(rect)
        fill = QColor(self.theme.alarm if self.clipping else self.theme.trace)
        painter.fillRect(QRectF(rect.left() + 1, rect.top() + 1, self._x(self.level_dbfs, rect.width() - 2), rect.height() - 2), fill)
        x = rect.left() + 1 + self._x(self.held_peak_dbfs, rect.width() - 2)
        painter.setPen(QColor(self.theme.alarm if self.clipping else self.theme.text))
        painter.drawLine(int(x), int(rect.top() + 1), int(x), int(rect.bottom() - 1))
        painter.end()
