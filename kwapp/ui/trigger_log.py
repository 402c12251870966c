"""The trigger log panel: a table of detections, snippet playback, true/false marks and CSV export."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import sounddevice as sd
import soundfile as sf
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from kwapp.audio.wavio import AudioFileError
from kwapp.pipeline.events import SNIPPET_POST_S, TriggerEvent, TriggerStore, data_home
from kwapp.train.samples import SAMPLES_DIR_NAME, UNKNOWN_LABEL, SampleStore

log = logging.getLogger(__name__)

MAX_ROWS = 2000  # rows kept in the table, newest first; older events stay in the store's file
PLAYER_STOP_TIMEOUT_S = 1.0
COLUMNS = ("time", "keyword", "score", "threshold", "mark")


class TriggerTableModel(QAbstractTableModel):
    """Events newest first, fed in the GUI thread; marks are read from the store."""

    def __init__(self, store: TriggerStore, max_rows: int = MAX_ROWS, parent=None):
        super().__init__(parent)
        self.store = store
        self.max_rows = max_rows
        self._events = list(reversed(store.events[-max_rows:]))  # newest first

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (self.tr("Time"), self.tr("Keyword"), self.tr("Score"), self.tr("Threshold"), self.tr("Review"))
        return titles[section]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        event = self._events[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(event, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()] in ("score", "threshold"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Event {event_id} from {source}, model {model}").format(
                event_id=event.event_id, source=event.source, model=event.model)
        return None

    def cell_text(self, event: TriggerEvent, column: int) -> str:
        name = COLUMNS[column]
        if name == "time":
            return event.local_time
        if name == "keyword":
            return event.keyword
        if name in ("score", "threshold"):
            return f"{getattr(event, name):.3f}"
        return self.mark_text(self.store.mark_of(event.event_id))

    def mark_text(self, mark: str | None) -> str:
        return {"true": self.tr("True alarm"), "false": self.tr("False alarm")}.get(mark, "")

    def add_events(self, events: list[TriggerEvent]) -> None:
        if not events:
            return
        self.beginInsertRows(QModelIndex(), 0, len(events) - 1)
        self._events[:0] = list(reversed(events))
        self.endInsertRows()
        excess = len(self._events) - self.max_rows
        if excess > 0:
            self.beginRemoveRows(QModelIndex(), self.max_rows, len(self._events) - 1)
            del self._events[self.max_rows:]
            self.endRemoveRows()

    def event_at(self, row: int) -> TriggerEvent:
        return self._events[row]

    def shown_events(self) -> list[TriggerEvent]:
        return list(self._events)

    def refresh_row(self, event_id: str) -> None:
        for row, event in enumerate(self._events):
            if event.event_id == event_id:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                return

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._events:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._events) - 1, len(COLUMNS) - 1))


class SnippetPlayer(QObject):
    """Plays a WAV file with sounddevice in a background thread; reports a missing output device."""

    failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thread: threading.Thread | None = None

    def play(self, path: Path) -> None:
        self.stop()
        data, rate = sf.read(str(path), dtype="float32")
        self._thread = threading.Thread(target=self._run, args=(data, rate), name="kwapp-playback", daemon=True)
        self._thread.start()

    def _run(self, data, rate: int) -> None:
        try:
            sd.play(data, rate)
            sd.wait()
        except (sd.PortAudioError, ValueError) as exc:  # thread boundary: no output device, busy device
            log.warning("playback failed: %s", exc)
            self.failed.emit(str(exc))

    def is_playing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> bool:
        """Stop playback and wait for the thread; returns False if it is still running."""
        thread = self._thread
        if thread is None:
            return True
        deadline = time.monotonic() + PLAYER_STOP_TIMEOUT_S
        while thread.is_alive() and time.monotonic() < deadline:
            sd.stop()  # repeated: the thread may open its stream just after a first stop
            thread.join(0.05)
        self._thread = None
        return not thread.is_alive()


class TriggerLogPanel(QWidget):
    """The table with its buttons; `status_message` carries short notes for the status bar."""

    status_message = Signal(str)

    def __init__(self, store: TriggerStore, parent=None):
        super().__init__(parent)
        self.store = store
        self.model = TriggerTableModel(store, parent=self)
        self.player = SnippetPlayer(self)
        self.player.failed.connect(self._on_playback_failed)
        self.count_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addWidget(self._build_table())
        layout.addLayout(self._build_buttons())
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)
        self.retranslate()

    def _build_table(self) -> QTableView:
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.play_row(index.row()))
        return self.table

    def _build_buttons(self) -> QHBoxLayout:
        self.play_button, self.true_button, self.false_button = QPushButton(), QPushButton(), QPushButton()
        self.clear_button, self.export_button = QPushButton(), QPushButton()
        self.negatives_button = QPushButton()
        self.negatives_button.clicked.connect(self.copy_false_alarms)
        self.play_button.clicked.connect(lambda: self.play_row(self._selected_row()))
        self.true_button.clicked.connect(lambda: self.mark_row(self._selected_row(), "true"))
        self.false_button.clicked.connect(lambda: self.mark_row(self._selected_row(), "false"))
        self.clear_button.clicked.connect(lambda: self.mark_row(self._selected_row(), None))
        self.export_button.clicked.connect(self.choose_export_file)
        buttons = QHBoxLayout()
        for button in (self.play_button, self.true_button, self.false_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.negatives_button)
        buttons.addWidget(self.export_button)
        return buttons

    def retranslate(self) -> None:
        self.play_button.setText(self.tr("Play"))
        self.play_button.setToolTip(self.tr("Play the recorded audio around the selected detection"))
        self.true_button.setText(self.tr("True alarm"))
        self.false_button.setText(self.tr("False alarm"))
        self.clear_button.setText(self.tr("Clear review"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.negatives_button.setText(self.tr("Use false alarms as negatives"))
        self.negatives_button.setToolTip(self.tr("Copy the audio of every detection marked as a false alarm "
                                                 "into the samples folder as _unknown_, for fine-tuning"))
        self.model.retranslate()
        self._update_count()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _update_count(self, *_args) -> None:
        self.table.resizeColumnsToContents()  # rows, or the language, changed the widest text
        self.count_label.setText(self.tr("{shown} detections shown, log file: {path}").format(
            shown=self.model.rowCount(), path=self.store.log_path))

    def add_events(self, events: list[TriggerEvent]) -> None:
        self.model.add_events(events)

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def mark_row(self, row: int | None, mark: str | None) -> None:
        if row is None:
            self.status_message.emit(self.tr("Select a detection first"))
            return
        event = self.model.event_at(row)
        try:
            self.store.set_mark(event.event_id, mark)
        except OSError as exc:
            log.error("saving the mark of event %s failed: %s", event.event_id, exc)
            self.status_message.emit(self.tr("Saving the review failed: {error}").format(error=exc))
            return
        self.model.refresh_row(event.event_id)

    def play_row(self, row: int | None) -> None:
        if row is None:
            self.status_message.emit(self.tr("Select a detection first"))
            return
        event = self.model.event_at(row)
        path = self.store.snippet_path(event)
        if path is None or not path.is_file():
            recent = time.time() - event.time_unix < SNIPPET_POST_S + 1.0
            self.status_message.emit(self.tr("The audio of this detection is still being recorded") if recent
                                     else self.tr("No audio was saved for this detection"))
            return
        try:
            self.player.play(path)
        except (sf.LibsndfileError, RuntimeError, OSError) as exc:
            self.status_message.emit(self.tr("Cannot read {path}: {error}").format(path=path, error=exc))

    def _on_playback_failed(self, error: str) -> None:
        self.status_message.emit(self.tr("Playback failed, no usable audio output device ({error})").format(error=error))

    def export_csv(self, path: Path) -> int:
        """Write the rows shown, in the order shown; returns the row count."""
        rows = self.store.export_csv(path, self.model.shown_events())
        self.status_message.emit(self.tr("Exported {rows} detections to {path}").format(rows=rows, path=path))
        return rows

    def choose_export_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export trigger log"), "triggers.csv",
                                              self.tr("CSV files (*.csv)"))
        if not name:
            return
        try:
            self.export_csv(Path(name))
        except OSError as exc:
            log.error("CSV export to %s failed: %s", name, exc)
            self.status_message.emit(self.tr("Export failed: {error}").format(error=exc))

    def copy_false_alarms(self) -> int:
        """Store every false-alarm snippet as an _unknown_ take; returns how many were copied."""
        samples = SampleStore(data_home() / SAMPLES_DIR_NAME)
        copied = 0
        for event in self.store.events:
            path = self.store.snippet_path(event)
            if self.store.mark_of(event.event_id) != "false" or path is None or not path.is_file():
                continue
            try:
                sample = samples.add_file(UNKNOWN_LABEL, path, device=event.source)
            except (AudioFileError, OSError) as exc:
                log.error("copying snippet %s to the samples failed: %s", path, exc)
                self.status_message.emit(self.tr("Copying {path} failed: {error}").format(path=path, error=exc))
                continue
            copied += sample is not None  # None: copied by an earlier click
        self.status_message.emit(self.tr("Copied {count} false alarms to {path}").format(
            count=copied, path=samples.root / UNKNOWN_LABEL))
        return copied

    def shutdown(self) -> None:
        if not self.player.stop():
            log.error("the playback thread did not stop within %.1f s", PLAYER_STOP_TIMEOUT_S)
