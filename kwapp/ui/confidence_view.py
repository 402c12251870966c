"""One score trace per keyword on the spectrogram's time axis, each with a draggable threshold line."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Signal

from kwapp.ui.history import HISTORY_S, FrameHistory
from kwapp.ui.plots import add_live_plot, theme_plot
from kwapp.ui.theme import Theme

MIN_THRESHOLD = 0.01  # the detector rejects 0; a threshold line cannot be dragged below this
SCORE_MARGIN = 0.05  # beyond the score range 0..1, wider than the plots' y padding (0.02)


class ScoreCurve(pg.PlotCurveItem):
    """A score curve with a fixed bounding rect: the whole history by the score range plus a margin.

    PlotCurveItem computes its rect from the data and the pen's pixel size on every boundingRect()
    call, and Qt makes several per paint: about 8 % of a redraw. Scores stay within 0..1 and times
    within the history, and the plot clips whatever lies outside its fixed ranges.
    """

    BOUNDS = QRectF(-HISTORY_S, -SCORE_MARGIN, HISTORY_S, 1.0 + 2 * SCORE_MARGIN)

    def boundingRect(self) -> QRectF:
        return self.BOUNDS


class KeywordTrace:
    """The plot of one keyword: score curve, threshold line and detection markers."""

    def __init__(self, plot: pg.PlotItem, keyword: str, threshold: float):
        self.plot, self.keyword = plot, keyword
        plot.setYRange(0.0, 1.0, padding=0.02)
        plot.getAxis("left").setTicks([[(0.0, "0"), (1.0, "1")]])
        plot.setLabel("left", keyword)
        self.curve = ScoreCurve()
        plot.addItem(self.curve)
        self.line = pg.InfiniteLine(pos=threshold, angle=0, movable=True, bounds=(MIN_THRESHOLD, 1.0))
        plot.addItem(self.line)
        self.markers = pg.ScatterPlotItem(size=9, symbol="t")
        plot.addItem(self.markers)

    def apply_theme(self, theme: Theme) -> None:
        # A 1 px pen takes Qt's fast cosmetic-line path. With 1.5 px, a redraw of the live view with ten
        # keywords took 8 ms instead of 2.7 ms (PySide6 6.11, offscreen, 2-core x86_64).
        self.curve.setPen(pg.mkPen(theme.trace, width=1))
        self.line.setPen(pg.mkPen(theme.threshold, width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.line.setHoverPen(pg.mkPen(theme.text, width=2))
        self.markers.setBrush(pg.mkBrush(theme.marker))
        self.markers.setPen(pg.mkPen(None))
        theme_plot(self.plot, theme)


class ConfidenceView(QObject):
    """Keyword traces in rows first_row, first_row + 1, ... of column 0 of a GraphicsLayout.

    Emits threshold_changed while a threshold line is dragged.
    """

    threshold_changed = Signal(str, float)  # keyword, new threshold

    def __init__(self, layout: pg.GraphicsLayout, first_row: int, theme: Theme, parent: QObject | None = None):
        super().__init__(parent)
        self.layout, self.first_row, self.theme = layout, first_row, theme
        self.traces: dict[str, KeywordTrace] = {}
        self._marker_serial = -1  # FrameHistory.marker_serial of the marker data on screen

    def set_keywords(self, thresholds: dict[str, float]) -> None:
        """Rebuild the rows for these keywords (in order) with their current thresholds."""
        for trace in self.traces.values():
            self.layout.removeItem(trace.plot)
        self.traces = {}
        self._marker_serial = -1
        for row, (keyword, threshold) in enumerate(thresholds.items(), start=self.first_row):
            trace = KeywordTrace(add_live_plot(self.layout, row), keyword, threshold)
            trace.line.sigPositionChanged.connect(lambda line, k=keyword: self._on_line_moved(k, line))
            trace.apply_theme(self.theme)
            self.traces[keyword] = trace
        for trace in list(self.traces.values())[:-1]:
            trace.plot.getAxis("bottom").setStyle(showValues=False)
        self.retranslate()

    def _on_line_moved(self, keyword: str, line: pg.InfiniteLine) -> None:
        self.threshold_changed.emit(keyword, float(line.value()))

    def set_threshold(self, keyword: str, value: float) -> None:
        """Move a line without emitting threshold_changed (the change came from elsewhere)."""
        line = self.traces[keyword].line
        line.blockSignals(True)
        line.setValue(value)
        line.blockSignals(False)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        for trace in self.traces.values():
            trace.apply_theme(theme)

    def retranslate(self) -> None:
        if not self.traces:
            return
        traces = list(self.traces.values())
        traces[-1].plot.setLabel("bottom", self.tr("Time (s)"))
        traces[0].plot.setTitle(self.tr("Keyword scores (dashed line: threshold, drag to change)"))
        for trace in traces:
            trace.line.setToolTip(self.tr("Threshold of {keyword}: drag up or down").format(keyword=trace.keyword))

    def redraw(self, history: FrameHistory) -> None:
        """Draw the filled part of each score row. Marker data is replaced only after new detections."""
        start = history.capacity - history.filled  # columns before it hold no scores yet
        times = history.times_s()[start:]
        offset_s = -history.newest_time_s()
        new_markers = history.marker_serial != self._marker_serial
        self._marker_serial = history.marker_serial
        for row, keyword in enumerate(history.keywords):
            trace = self.traces.get(keyword)
            if trace is None:
                continue
            # Scores come from a softmax, so the filled part is finite and the per-point check is skipped.
            trace.curve.setData(times, history.scores[row, start:], skipFiniteCheck=True)
            if new_markers:
                marker_times_s, marker_scores = history.marker_times_s(row)
                trace.markers.setData(marker_times_s, marker_scores)
                trace.markers.setVisible(len(marker_times_s) > 0)
            if trace.markers.isVisible():
                trace.markers.setPos(offset_s, 0.0)
                trace.markers.viewTransformChanged()  # else ScatterPlotItem culls with the view rect before the move
