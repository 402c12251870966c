"""The live plots in one pyqtgraph layout: the spectrogram on top, one score trace per keyword below.

One layout keeps the plots' columns, and so their time axes, aligned: the colour bar's column
is empty in the trace rows.
"""

from __future__ import annotations

import time

import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtGui import QResizeEvent

from kwapp.ui.confidence_view import ConfidenceView
from kwapp.ui.history import FrameHistory
from kwapp.ui.spectrogram_view import SpectrogramView
from kwapp.ui.theme import Theme

SPECTROGRAM_SHARE = 0.4  # of the height, when there are keyword rows below it
# Painting the plots is most of the GUI thread's work, so they draw at most about 15 times a second,
# enough for scrolling scores and spectrogram. The limit is slightly under 1/15 s, so a 66 ms timer
# with some jitter still draws on every tick. A 40 ms timer draws on every second tick (12.5 Hz).
MIN_REDRAW_S = 0.06


class LiveView(pg.GraphicsLayoutWidget):
    """Holds `spectrogram` and `confidence`; redraw() is driven by the window's timer."""

    def __init__(self, theme: Theme, parent=None):
        super().__init__(parent)
        self.setBackground(theme.plot_background)
        self.spectrogram = SpectrogramView(self.ci, 0, theme, self)
        self.confidence = ConfidenceView(self.ci, 1, theme, self)
        self._last_redraw_s = -MIN_REDRAW_S

    def set_keywords(self, thresholds: dict[str, float]) -> None:
        self.confidence.set_keywords(thresholds)
        self._size_rows()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if hasattr(self, "confidence"):  # the base constructor resizes before the plots exist
            self._size_rows()

    def _size_rows(self) -> None:
        """Give the spectrogram its share of the height; the keyword rows split the rest."""
        share = SPECTROGRAM_SHARE if self.confidence.traces else 1.0
        self.ci.layout.setRowFixedHeight(0, share * self.viewport().height())

    def apply_theme(self, theme: Theme) -> None:
        self.setBackground(theme.plot_background)
        self.spectrogram.apply_theme(theme)
        self.confidence.apply_theme(theme)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.spectrogram.retranslate()
            self.confidence.retranslate()
        super().changeEvent(event)

    def redraw(self, history: FrameHistory, now_s: float | None = None) -> None:
        """Draw the history, unless the last drawing is under MIN_REDRAW_S old: then mark it dirty again.

        `now_s` is a time.monotonic() reading, taken here when omitted.
        """
        now_s = time.monotonic() if now_s is None else now_s
        if now_s - self._last_redraw_s < MIN_REDRAW_S:
            history.dirty = True  # the caller cleared it; a later call draws these frames
            return
        self._last_redraw_s = now_s
        self.spectrogram.redraw(history)
        self.confidence.redraw(history)
