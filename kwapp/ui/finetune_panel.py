"""The fine-tune panel: adapt the loaded model to the recorded samples, compare, switch or roll back."""

from __future__ import annotations

import datetime
import logging
import threading
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from kwapp.cli import DEFAULT_MODEL
from kwapp.model.bundle import ModelInfo
from kwapp.pipeline.events import data_home
from kwapp.train.finetune import Cancelled, FinetuneConfig, finetune
from kwapp.train.samples import SAMPLES_DIR_NAME
from kwapp.ui.i18n import error_text

log = logging.getLogger(__name__)

MODELS_DIR_NAME = "models"
JOB_STOP_TIMEOUT_MS = 30_000  # a cancelled job stops at its next training step, but export and comparison run to the end


def model_versions() -> list[Path]:
    """Fine-tuned folders under data_home()/models, newest first, then models/default."""
    root = data_home() / MODELS_DIR_NAME
    found = sorted((p for p in root.iterdir() if (p / "config.json").is_file()), reverse=True) if root.is_dir() else []
    return found + [DEFAULT_MODEL]


class FinetuneJob(QObject):
    """Runs finetune() in a worker thread; `cancel` is set from the GUI thread."""

    progressed = Signal(int, int, float)  # step, total steps, estimated seconds left
    succeeded = Signal(object)  # ModelInfo of the new folder
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, cfg: FinetuneConfig):
        super().__init__()
        self.cfg = cfg
        self.cancel = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            info = finetune(self.cfg, lambda step, total, eta_s: self.progressed.emit(step, total, eta_s), self.cancel)
            self.succeeded.emit(info)
        except Cancelled:
            log.info("fine-tune into %s cancelled", self.cfg.out)
            self.cancelled.emit()
        except Exception as exc:  # thread boundary: log it and tell the panel
            log.exception("fine-tune into %s failed", self.cfg.out)
            self.failed.emit(error_text(exc))
        finally:
            self.finished.emit()


class FinetunePanel(QWidget):
    """Start/cancel, progress with time left, a before/after table and model version switching."""

    status_message = Signal(str)
    load_requested = Signal(Path)  # a model folder to switch the running stream to

    def __init__(self, info: ModelInfo, parent=None):
        super().__init__(parent)
        self.info = info
        self.steps = FinetuneConfig.steps
        self.result: ModelInfo | None = None
        self.job: FinetuneJob | None = None
        self.thread: QThread | None = None
        self._build()
        self.refresh_versions()
        self.retranslate()

    def _build(self) -> None:
        self.start_button, self.cancel_button = QPushButton(), QPushButton()
        self.switch_button, self.load_button = QPushButton(), QPushButton()
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.switch_button.clicked.connect(lambda: self.result and self.load_requested.emit(self.result.folder))
        self.load_button.clicked.connect(lambda: self.load_requested.emit(Path(self.versions_box.currentData())))
        self.progress = QProgressBar()
        self.eta_label, self.base_label, self.versions_label = QLabel(), QLabel(), QLabel()
        self.table = QTableWidget(0, 5)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.versions_box = QComboBox()
        run_row, version_row = QHBoxLayout(), QHBoxLayout()
        for widget in (self.start_button, self.cancel_button, self.progress, self.eta_label):
            run_row.addWidget(widget)
        for widget in (self.versions_label, self.versions_box, self.load_button):
            version_row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.base_label)
        layout.addLayout(run_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.switch_button)
        layout.addLayout(version_row)
        self._set_running(False)

    def retranslate(self) -> None:
        self.start_button.setText(self.tr("Fine-tune on recorded samples"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.switch_button.setText(self.tr("Switch to new model"))
        self.load_button.setText(self.tr("Load this version"))
        self.versions_label.setText(self.tr("Model versions:"))
        self.base_label.setText(self.tr("Base model: {folder}; samples: {samples}").format(
            folder=self.info.folder, samples=data_home() / SAMPLES_DIR_NAME))
        self.table.setHorizontalHeaderLabels([
            self.tr("Keyword"), self.tr("Held-out takes before"), self.tr("Held-out takes after"),
            self.tr("False alarms/h before"), self.tr("False alarms/h after")])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_model(self, info: ModelInfo) -> None:
        self.info = info
        self.retranslate()

    def refresh_versions(self) -> None:
        self.versions_box.clear()
        for folder in model_versions():
            self.versions_box.addItem(folder.name, str(folder))

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.switch_button.setEnabled(not running and self.result is not None)

    # --- the job ------------------------------------------------------------------------------

    def start(self) -> None:
        """Fine-tune the current model on the sample folder into data_home()/models/<time stamp>/."""
        if self.thread is not None:
            return
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        cfg = FinetuneConfig(model=self.info.folder, data=(data_home() / SAMPLES_DIR_NAME,),
                             out=data_home() / MODELS_DIR_NAME / stamp, steps=self.steps)
        self.result = None
        self.table.setRowCount(0)
        self.progress.setRange(0, cfg.steps)
        self.progress.setValue(0)
        self.eta_label.setText(self.tr("Preparing…"))
        self.job, self.thread = FinetuneJob(cfg), QThread()
        self.job.moveToThread(self.thread)
        self.thread.started.connect(self.job.run)
        self.job.progressed.connect(self._on_progress)
        self.job.succeeded.connect(self._on_succeeded)
        self.job.failed.connect(self._on_failed)
        self.job.cancelled.connect(self._on_cancelled)
        self.job.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        # No deleteLater: Python owns the job and the thread, and deleteLater beside Python's own
        # deletion crashed (use after free). Both are released in _on_thread_finished.
        self.thread.finished.connect(self._on_thread_finished)
        self._set_running(True)
        self.thread.start()
        log.info("fine-tune of %s into %s started", cfg.model, cfg.out)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel.set()
            self.eta_label.setText(self.tr("Cancelling…"))

    def _on_progress(self, step: int, total: int, eta_s: float) -> None:
        self.progress.setValue(step)
        self.eta_label.setText(self.tr("Step {step} of {total}, about {seconds:.0f} s left").format(
            step=step, total=total, seconds=eta_s))

    def _on_succeeded(self, info: ModelInfo) -> None:
        self.result = info
        self.eta_label.setText(self.tr("Done: {folder}").format(folder=info.folder))
        self.show_comparison(info.metrics.get("finetune", {}))
        self.refresh_versions()

    def _on_failed(self, message: str) -> None:
        self.eta_label.setText("")
        self.status_message.emit(self.tr("Fine-tuning failed: {error}").format(error=message))

    def _on_cancelled(self) -> None:
        self.eta_label.setText(self.tr("Cancelled; nothing was written"))

    def _on_thread_finished(self) -> None:
        if self.thread is None:
            return
        self.thread.wait()  # finished is emitted just before the thread ends
        self.job = self.thread = None
        self._set_running(False)

    def show_comparison(self, metrics: dict) -> None:
        """Fill one row per label: held-out accuracy and false alarms per hour of background, before and after."""
        takes = metrics.get("held_out_takes", {})
        false_accepts = metrics.get("false_accepts_per_hour", {})
        fa_before = false_accepts.get("before", {}).get("per_keyword", {})
        fa_after = false_accepts.get("after", {}).get("per_keyword", {})
        labels = list(dict.fromkeys(list(takes.get("after", {})) + list(fa_after)))
        self.table.setRowCount(len(labels))
        for row, label in enumerate(labels):
            cells = (label, accuracy_text(takes.get("before", {}).get(label)), accuracy_text(takes.get("after", {}).get(label)),
                     rate_text(fa_before.get(label)), rate_text(fa_after.get(label)))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def shutdown(self) -> None:
        """Cancel a running job and wait for its thread (the window is closing)."""
        thread = self.thread
        if thread is None:
            return
        self.cancel()
        if not thread.wait(JOB_STOP_TIMEOUT_MS):
            log.error("the fine-tune thread did not stop within %d ms", JOB_STOP_TIMEOUT_MS)


def accuracy_text(item: dict | None) -> str:
    return "–" if not item else f"{100 * item['accuracy']:.0f} % ({item['n']})"


def rate_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"
