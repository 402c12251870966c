"""Settings shared by the live plots, so the spectrogram and the traces line up on one time axis."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem

from kwapp.ui.history import HISTORY_S
from kwapp.ui.theme import Theme

LEFT_AXIS_WIDTH_PX = 70  # the same for every plot, so their time axes line up


class LiveAxis(pg.AxisItem):
    """An axis that keeps its bounding rect until its size, style, grid, font or linked view changes.

    Qt calls boundingRect() on every axis several times per scene paint (about 110 calls per redraw
    of the monitoring window), and pyqtgraph 0.14 computes the rect in Python on each call. The axis
    is also cached as a pixmap, because it does not change while monitoring but lies under plots that do.
    """

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        self._bounds: QRectF | None = None
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        if self._bounds is None:
            self._bounds = super().boundingRect()
        return self._bounds

    def resizeEvent(self, event=None) -> None:
        self._bounds = None
        super().resizeEvent(event)

    def setStyle(self, **kwargs) -> None:
        super().setStyle(**kwargs)
        self._bounds = None

    def setGrid(self, grid) -> None:
        super().setGrid(grid)
        self._bounds = None

    def setTickFont(self, font) -> None:
        super().setTickFont(font)
        self._bounds = None

    def linkToView(self, view) -> None:
        super().linkToView(view)
        self._bounds = None


def add_live_plot(layout: pg.GraphicsLayout, row: int) -> pg.PlotItem:
    """Add a display-only plot in column 0: fixed time range, no mouse zoom or pan, no context menu."""
    axes = {name: LiveAxis(name) for name in ("left", "bottom")}
    plot = layout.addPlot(row=row, col=0, axisItems=axes)
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setXRange(-HISTORY_S, 0.0, padding=0.0)
    plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH_PX)
    return plot


def theme_plot(plot: pg.PlotItem, theme: Theme) -> None:
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(theme.muted))
        axis.setTextPen(pg.mkPen(theme.muted))
