"""Per-keyword detector settings: enable switch, threshold and refractory time."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QGridLayout, QLabel, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from kwapp.ui.confidence_view import MIN_THRESHOLD

MAX_REFRACTORY_S = 30.0


class KeywordPanel(QWidget):
    """A grid row per keyword; changes are emitted as they are made."""

    threshold_changed = Signal(str, float)
    refractory_changed = Signal(str, float)
    enabled_changed = Signal(str, bool)
    reset_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.enabled_boxes: dict[str, QCheckBox] = {}
        self.threshold_spins: dict[str, QDoubleSpinBox] = {}
        self.refractory_spins: dict[str, QDoubleSpinBox] = {}
        self.keyword_header, self.threshold_header, self.refractory_header = QLabel(), QLabel(), QLabel()
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset_requested)
        self.rows = QWidget()
        self.grid = QGridLayout(self.rows)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rows)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.reset_button)
        self.retranslate()

    def set_keywords(self, values: dict[str, tuple[float, float, bool]]) -> None:
        """Rebuild the rows: keyword -> (threshold, refractory seconds, enabled)."""
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None and widget not in (self.keyword_header, self.threshold_header, self.refractory_header):
                widget.deleteLater()
        self.enabled_boxes, self.threshold_spins, self.refractory_spins = {}, {}, {}
        for column, header in enumerate((self.keyword_header, self.threshold_header, self.refractory_header)):
            self.grid.addWidget(header, 0, column)
        for row, (keyword, (threshold, refractory_s, enabled)) in enumerate(values.items(), start=1):
            self._add_row(row, keyword, threshold, refractory_s, enabled)
        self.grid.setRowStretch(len(values) + 1, 1)
        self.retranslate()

    def _add_row(self, row: int, keyword: str, threshold: float, refractory_s: float, enabled: bool) -> None:
        box = QCheckBox(keyword)
        box.setChecked(enabled)
        box.toggled.connect(lambda checked, k=keyword: self.enabled_changed.emit(k, checked))
        spin = QDoubleSpinBox(decimals=3, minimum=MIN_THRESHOLD, maximum=1.0, singleStep=0.01, value=threshold)
        spin.valueChanged.connect(lambda value, k=keyword: self.threshold_changed.emit(k, value))
        refractory = QDoubleSpinBox(decimals=1, minimum=0.0, maximum=MAX_REFRACTORY_S, singleStep=0.1, value=refractory_s)
        refractory.valueChanged.connect(lambda value, k=keyword: self.refractory_changed.emit(k, value))
        self.grid.addWidget(box, row, 0)
        self.grid.addWidget(spin, row, 1)
        self.grid.addWidget(refractory, row, 2)
        self.enabled_boxes[keyword], self.threshold_spins[keyword], self.refractory_spins[keyword] = box, spin, refractory

    def set_threshold(self, keyword: str, value: float) -> None:
        """Show a threshold changed elsewhere (a dragged line) without emitting threshold_changed."""
        spin = self.threshold_spins[keyword]
        spin.blockSignals(True)
        spin.setValue(value)
        spin.blockSignals(False)

    def retranslate(self) -> None:
        self.keyword_header.setText(self.tr("Keyword (enabled)"))
        self.threshold_header.setText(self.tr("Threshold"))
        self.refractory_header.setText(self.tr("Refractory time"))
        self.reset_button.setText(self.tr("Use the model's values"))
        self.reset_button.setToolTip(self.tr("Forget your changes and use the thresholds stored with the model"))
        for spin in self.refractory_spins.values():
            spin.setSuffix(self.tr(" s"))
        for spin in self.threshold_spins.values():
            spin.setToolTip(self.tr("A detection fires when the smoothed score reaches this value"))
        for spin in self.refractory_spins.values():
            spin.setToolTip(self.tr("After a detection the same keyword stays silent this long"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
