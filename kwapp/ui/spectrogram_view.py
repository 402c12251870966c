"""Scrolling log-mel spectrogram of the last HISTORY_S seconds, with detections as vertical lines."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF
from PySide6.QtGui import QImage

from kwapp.ui.history import HISTORY_S, FrameHistory
from kwapp.ui.plots import add_live_plot, theme_plot
from kwapp.ui.theme import Theme

# Fixed colour range in natural-log mel power: about the floor of a quiet room up to a loud voice
# close to the microphone. Fixed levels keep colours comparable over time and skip a per-frame
# min/max search.
LOGMEL_LEVELS = (-10.0, 6.0)
INDEXED_FORMAT, DRAW_FORMAT = QImage.Format.Format_Indexed8, QImage.Format.Format_RGB32


class SpectrogramImage(pg.ImageItem):
    """An ImageItem that hands Qt a 32-bit RGB image instead of an indexed one.

    With a lookup table pyqtgraph 0.14 renders an 8-bit indexed QImage, and Qt's raster engine
    converts that on every scaled draw. For 600 x 40 columns a paint took 0.7 to 1 ms, against 0.1 ms
    for RGB32 (PySide6 6.11, offscreen, 2-core x86_64). Converting once per render takes about 10 us.
    """

    def render(self) -> None:
        super().render()
        if self.qimage is not None and self.qimage.format() == INDEXED_FORMAT:
            self.qimage = self.qimage.convertToFormat(DRAW_FORMAT)


class SpectrogramView(QObject):
    """The spectrogram plot and its colour bar in row `row` of a GraphicsLayout (columns 0 and 1).

    Draws a FrameHistory's log-mel buffer; call redraw() from a timer, not per update.
    """

    def __init__(self, layout: pg.GraphicsLayout, row: int, theme: Theme, parent: QObject | None = None):
        super().__init__(parent)
        self.plot = add_live_plot(layout, row)
        self.image = SpectrogramImage(axisOrder="row-major")
        self.image.setLevels(LOGMEL_LEVELS)
        self.plot.addItem(self.image)
        self.markers = pg.PlotCurveItem(connect="pairs")  # one vertical line per detection, at stream time
        self.plot.addItem(self.markers)
        self.colour_bar = pg.ColorBarItem(values=LOGMEL_LEVELS, interactive=False, width=12)
        self.colour_bar.setImageItem(self.image)
        layout.addItem(self.colour_bar, row=row, col=1)
        self.n_mels = 0
        self._marker_serial = -1  # FrameHistory.marker_serial of the marker data on screen
        self.apply_theme(theme)
        self.retranslate()

    def apply_theme(self, theme: Theme) -> None:
        colour_map = pg.colormap.get(theme.colormap)
        if theme.name == "light":
            colour_map.reverse()  # dark = loud on a light background
        self.colour_bar.setColorMap(colour_map)  # also sets the image's lookup table
        self.markers.setPen(pg.mkPen(theme.marker, width=1.5))
        theme_plot(self.plot, theme)
        self.colour_bar.axis.setTextPen(pg.mkPen(theme.muted))

    def retranslate(self) -> None:
        self.plot.setLabel("left", self.tr("Mel band"))
        self.plot.setTitle(self.tr("Log-mel spectrogram"))

    def redraw(self, history: FrameHistory) -> None:
        n_mels = history.logmel.shape[0]
        self.image.setImage(history.logmel, autoLevels=False)
        if n_mels != self.n_mels:
            self.n_mels = n_mels
            self.image.setRect(QRectF(-HISTORY_S, 0.0, HISTORY_S, float(n_mels)))
            self.plot.setYRange(0, n_mels, padding=0.0)
            self._marker_serial = -1  # the lines' height changed
        if history.marker_serial != self._marker_serial:
            self._marker_serial = history.marker_serial
            times_s, _ = history.marker_times_s()
            self.markers.setData(np.repeat(times_s, 2), np.tile([0.0, float(n_mels)], len(times_s)))
        self.markers.setPos(-history.newest_time_s(), 0.0)
