"""The model panel: labels, files and metrics from the loaded folder's config.json, and a button to load another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (QFileDialog, QFormLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from kwapp.model.bundle import ModelInfo


def metric_text(value: Any) -> str:
    """Floats with 4 significant digits, lists comma-separated, everything else as str()."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return ", ".join(metric_text(v) for v in value)
    return str(value)


def add_metric_items(parent: QTreeWidget | QTreeWidgetItem, metrics: dict[str, Any]) -> None:
    """Add one tree item per metric; nested dicts become expandable items."""
    for key, value in metrics.items():
        text = "" if isinstance(value, dict) else metric_text(value)
        item = QTreeWidgetItem([str(key), text])
        item.setToolTip(1, text)
        if isinstance(parent, QTreeWidget):
            parent.addTopLevelItem(item)
        else:
            parent.addChild(item)
        if isinstance(value, dict):
            add_metric_items(item, value)


def file_size_text(path: Path) -> str:
    return f"{path.stat().st_size / 1024:.0f} KiB" if path.is_file() else "-"


class ModelPanel(QWidget):
    """Panel for one ModelInfo; `load_requested` carries a folder the user picked (not yet checked)."""

    load_requested = Signal(Path)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.info: ModelInfo | None = None
        self.folder_label, self.arch_label, self.labels_label, self.size_label = QLabel(), QLabel(), QLabel(), QLabel()
        for label in (self.folder_label, self.labels_label):
            label.setWordWrap(True)
        self.folder_title, self.arch_title, self.labels_title, self.size_title = QLabel(), QLabel(), QLabel(), QLabel()
        form = QFormLayout()
        form.addRow(self.folder_title, self.folder_label)
        form.addRow(self.arch_title, self.arch_label)
        form.addRow(self.labels_title, self.labels_label)
        form.addRow(self.size_title, self.size_label)
        self.metrics = QTreeWidget()
        self.metrics.setColumnCount(2)
        self.load_button = QPushButton()
        self.load_button.clicked.connect(self.choose_folder)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.metrics)
        layout.addWidget(self.load_button)
        self.retranslate()

    def show_model(self, info: ModelInfo) -> None:
        self.info = info
        cfg = info.model
        self.folder_label.setText(str(info.folder))
        self.arch_label.setText(self.tr("{arch}: {layers} layers of width {width}, input {count} {kind} features").format(
            arch=cfg.arch, layers=cfg.n_layers, width=cfg.d_model, count=info.features.n_features, kind=info.features.kind.upper()))
        self.labels_label.setText(", ".join(info.labels))
        self.size_label.setText(f"model.onnx {file_size_text(info.onnx_path)}, model.pt {file_size_text(info.weights_path)}")
        self.metrics.clear()
        add_metric_items(self.metrics, info.metrics)
        self.metrics.expandToDepth(1)
        self.metrics.resizeColumnToContents(0)

    def retranslate(self) -> None:
        if self.info is not None:
            self.show_model(self.info)
        self.folder_title.setText(self.tr("Folder:"))
        self.arch_title.setText(self.tr("Architecture:"))
        self.labels_title.setText(self.tr("Labels:"))
        self.size_title.setText(self.tr("Files:"))
        self.metrics.setHeaderLabels([self.tr("Metric (from config.json)"), self.tr("Value")])
        self.load_button.setText(self.tr("Load another model folder…"))
        self.load_button.setToolTip(self.tr("Switch models without stopping the input"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def choose_folder(self) -> None:
        start = str(self.info.folder.parent) if self.info else ""
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a model folder"), start)
        if folder:
            self.load_requested.emit(Path(folder))
