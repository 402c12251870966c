"""Input level bar in dBFS with a peak-hold tick."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QRectF, QSize, Qt
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
        self._painted: tuple[int, int, bool] | None = None  # _pixel_state() of the last paint
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paintEvent covers every pixel
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
        if self._pixel_state() != self._painted:  # a steady input moves neither the bar nor the tick
            self.update()

    def _x(self, dbfs: float, width: float) -> float:
        return width * (dbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS

    def _inner_rect(self) -> QRectF:
        """Return the area inside the 1 px frame, where the bar and the peak tick are drawn."""
        return QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)

    def _pixel_state(self) -> tuple[int, int, bool]:
        """Return what a paint would show: bar end and tick position in whole pixels, and the clipping colour."""
        inner = self._inner_rect()
        bar_end = round(inner.left() + self._x(self.level_dbfs, inner.width()))
        return bar_end, int(inner.left() + self._x(self.held_peak_dbfs, inner.width())), self.clipping

    def paintEvent(self, event) -> None:
        self._painted = self._pixel_state()
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(self.theme.base))
        painter.setPen(QColor(self.theme.muted))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        inner = self._inner_rect()
        fill = QColor(self.theme.alarm if self.clipping else self.theme.trace)
        bar_px = self._x(self.level_dbfs, inner.width())
        painter.fillRect(QRectF(inner.left(), inner.top(), bar_px, inner.height()), fill)
        x = int(inner.left() + self._x(self.held_peak_dbfs, inner.width()))
        painter.setPen(QColor(self.theme.alarm if self.clipping else self.theme.text))
        painter.drawLine(x, int(inner.top()), x, int(inner.bottom()))
        painter.end()
