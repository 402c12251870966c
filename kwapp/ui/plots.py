"""Settings shared by the live plots, so the spectrogram and the traces line up on one time axis."""

from __future__ import annotations

import pyqtgraph as pg

from kwapp.ui.history import HISTORY_S
from kwapp.ui.theme import Theme

LEFT_AXIS_WIDTH_PX = 70  # the same for every plot, so their time axes line up


def setup_live_plot(plot: pg.PlotItem) -> None:
    """Make a plot display-only: fixed time range, no mouse zoom or pan, no context menu."""
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setXRange(-HISTORY_S, 0.0, padding=0.0)
    plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH_PX)


def theme_plot(plot: pg.PlotItem, theme: Theme) -> None:
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(theme.muted))
        axis.setTextPen(pg.mkPen(theme.muted))
