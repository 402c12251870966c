"""The record panel: takes of a keyword (or site background) from the running stream into the sample store."""

from __future__ import annotations

import logging

import numpy as np
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from kwapp.audio.trim import trim_to_speech
from kwapp.audio.wavio import write_wav_atomic
from kwapp.config import SAMPLE_RATE_HZ
from kwapp.model.bundle import ModelInfo
from kwapp.pipeline.worker import StreamController
from kwapp.train.samples import BACKGROUND_LABEL, LabelError, Sample, SampleStore, check_label, level_warnings, peak_dbfs
from kwapp.ui.trigger_log import SnippetPlayer
from kwapp.ui.i18n import error_text

log = logging.getLogger(__name__)

COUNTDOWN_STEPS = 3  # "3, 2, 1" before the capture starts
COUNTDOWN_STEP_MS = 1000
TAKE_S = 2.0  # audio captured for one keyword take, trimmed afterwards to the model's clip length
DEFAULT_BACKGROUND_S = 30
MAX_BACKGROUND_S = 600
PREVIEW_NAME = ".preview.wav"  # a file, not a label folder, so fine-tuning ignores it


class RecordPanel(QWidget):
    """Countdown, capture from the controller's audio tap, trim, check the level, then keep or discard."""

    status_message = Signal(str)
    sample_saved = Signal(object)  # Sample

    def __init__(self, controller: StreamController, info: ModelInfo, store: SampleStore, parent=None):
        super().__init__(parent)
        self.controller, self.info, self.store = controller, info, store
        self.countdown_step_ms = COUNTDOWN_STEP_MS
        self.pending: np.ndarray | None = None  # the take waiting for keep or discard
        self.last_saved: Sample | None = None
        self._blocks: list[np.ndarray] = []
        self._needed = 0  # samples still to capture; 0 when not capturing
        self._countdown = 0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.player = SnippetPlayer(self)
        self.player.failed.connect(lambda error: self.status_message.emit(
            self.tr("Playback failed, no usable audio output device ({error})").format(error=error)))
        controller.audio_tapped.connect(self._on_audio)
        controller.running_changed.connect(self._on_running_changed)
        self._build()
        self.set_model(info)
        self.retranslate()

    def _build(self) -> None:
        self.label_box = QComboBox(editable=True)
        self.speaker_edit = QLineEdit()
        self.mode_box = QComboBox()
        self.mode_box.addItems(["", ""])
        self.seconds_box = QSpinBox(minimum=5, maximum=MAX_BACKGROUND_S, value=DEFAULT_BACKGROUND_S)
        self.form = QFormLayout()
        self.row_labels = [QLabel() for _ in range(4)]
        for label, widget in zip(self.row_labels, (self.mode_box, self.label_box, self.speaker_edit, self.seconds_box)):
            self.form.addRow(label, widget)
        self.record_button, self.play_button = QPushButton(), QPushButton()
        self.keep_button, self.discard_button, self.relabel_button = QPushButton(), QPushButton(), QPushButton()
        self.record_button.clicked.connect(self.record)
        self.play_button.clicked.connect(self.play)
        self.keep_button.clicked.connect(self.keep)
        self.discard_button.clicked.connect(self.discard)
        self.relabel_button.clicked.connect(self.relabel_last)
        self.countdown_label, self.level_label, self.folder_label = QLabel(), QLabel(), QLabel()
        buttons = QHBoxLayout()
        for button in (self.record_button, self.play_button, self.keep_button, self.discard_button, self.relabel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        for label in (self.countdown_label, self.level_label, self.folder_label):
            layout.addWidget(label)
        layout.addStretch(1)
        self._set_pending(None)

    def retranslate(self) -> None:
        self.mode_box.setItemText(0, self.tr("Keyword take"))
        self.mode_box.setItemText(1, self.tr("Background"))
        rows = (self.tr("Record:"), self.tr("Keyword:"), self.tr("Speaker or session:"), self.tr("Background length (s):"))
        for label, text in zip(self.row_labels, rows):
            label.setText(text)
        self.label_box.setToolTip(self.tr("Choose a keyword of the model or type a new one"))
        self.record_button.setText(self.tr("Record"))
        self.play_button.setText(self.tr("Play"))
        self.keep_button.setText(self.tr("Keep"))
        self.discard_button.setText(self.tr("Discard"))
        self.relabel_button.setText(self.tr("Move last kept take to this keyword"))
        self.folder_label.setText(self.tr("Samples folder: {path}").format(path=self.store.root))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_model(self, info: ModelInfo) -> None:
        """List the model's keywords and the labels already recorded."""
        self.info = info
        current = self.label_box.currentText()
        recorded = [l for l in self.store.labels() if not l.startswith("_")]
        self.label_box.clear()
        self.label_box.addItems(list(dict.fromkeys(list(info.keywords) + recorded)))
        if current:
            self.label_box.setCurrentText(current)

    def is_background(self) -> bool:
        return self.mode_box.currentIndex() == 1

    def current_label(self) -> str:
        return BACKGROUND_LABEL if self.is_background() else check_label(self.label_box.currentText())

    # --- capture ------------------------------------------------------------------------------

    def record(self) -> None:
        """Check the label and the stream, then count down and capture."""
        try:
            self.current_label()
        except LabelError as exc:
            self.status_message.emit(self.tr("Invalid keyword: {error}").format(error=error_text(exc)))
            return
        if not self.controller.is_running():
            self.status_message.emit(self.tr("Start the input first: takes are recorded from the running stream"))
            return
        self._set_pending(None)
        self.record_button.setEnabled(False)
        self._countdown = COUNTDOWN_STEPS
        self.countdown_label.setText(str(self._countdown))
        self.timer.start(self.countdown_step_ms)

    def _tick(self) -> None:
        self._countdown -= 1
        if self._countdown > 0:
            self.countdown_label.setText(str(self._countdown))
            return
        self.timer.stop()
        seconds = self.seconds_box.value() if self.is_background() else TAKE_S
        self._blocks, self._needed = [], int(seconds * SAMPLE_RATE_HZ)
        if not self.controller.set_audio_tap(True):
            self._finish_capture()
            self.status_message.emit(self.tr("The input stopped before recording; start it and try again"))
            return
        self.countdown_label.setText(self.tr("Recording… speak now") if not self.is_background()
                                     else self.tr("Recording background… stay quiet"))

    def _on_audio(self, block: np.ndarray) -> None:
        if self._needed <= 0:
            return
        self._blocks.append(block[: self._needed])
        self._needed -= len(self._blocks[-1])
        if self._needed <= 0:
            self._finish_capture()
            audio = np.concatenate(self._blocks)
            n_clip = int(self.info.clip_s * SAMPLE_RATE_HZ)
            self._set_pending(audio if self.is_background() else trim_to_speech(audio, n_clip))

    def _on_running_changed(self, running: bool) -> None:
        """Abandon a countdown or capture when the stream stops (file end, error, device change)."""
        if running or not (self.timer.isActive() or self._needed > 0):
            return
        self.timer.stop()
        self._finish_capture()
        self.status_message.emit(self.tr("The input stopped before recording; start it and try again"))

    def _finish_capture(self) -> None:
        self._needed = 0
        self.controller.set_audio_tap(False)
        self.record_button.setEnabled(True)
        self.countdown_label.setText("")

    # --- review -------------------------------------------------------------------------------

    def _set_pending(self, audio: np.ndarray | None) -> None:
        self.pending = audio
        for button in (self.play_button, self.keep_button, self.discard_button):
            button.setEnabled(audio is not None)
        self.relabel_button.setEnabled(self.last_saved is not None and audio is None)
        if audio is None:
            self.level_label.setText("")
            return
        peak = peak_dbfs(audio)
        notes = {"clipped": self.tr("clipped: move away from the microphone or lower the input gain"),
                 "quiet": self.tr("too quiet: speak closer to the microphone")}
        text = self.tr("Peak level {peak:.1f} dBFS").format(peak=peak)
        warnings = [notes[flag] for flag in level_warnings(peak)]
        self.level_label.setText(text + "".join(f"; {note}" for note in warnings))

    def play(self) -> None:
        if self.pending is None:
            return
        path = self.store.root / PREVIEW_NAME
        try:
            write_wav_atomic(path, self.pending)
            self.player.play(path)
        except OSError as exc:
            self.status_message.emit(self.tr("Cannot play the take: {error}").format(error=error_text(exc)))

    def keep(self) -> Sample | None:
        """Save the pending take under the current label; returns it, or None when it was not saved."""
        if self.pending is None:
            return None
        try:
            sample = self.store.add(self.current_label(), self.pending, self.speaker_edit.text(),
                                    self.controller_source())
        except (LabelError, OSError) as exc:
            log.error("saving a sample failed: %s", exc)
            self.status_message.emit(self.tr("Saving the take failed: {error}").format(error=error_text(exc)))
            return None
        self.last_saved = sample
        self._set_pending(None)
        self.status_message.emit(self.tr("Saved take {clip} as {label}").format(clip=sample.clip, label=sample.label))
        self.sample_saved.emit(sample)
        return sample

    def controller_source(self) -> str:
        worker = self.controller.worker
        return worker.spec.label if worker is not None else ""

    def discard(self) -> None:
        self._set_pending(None)

    def relabel_last(self) -> None:
        if self.last_saved is None:
            return
        try:
            self.last_saved = self.store.relabel(self.last_saved, self.current_label())
        except (LabelError, OSError) as exc:
            self.status_message.emit(self.tr("Moving the take failed: {error}").format(error=error_text(exc)))
            return
        self.status_message.emit(self.tr("Moved take {clip} to {label}").format(
            clip=self.last_saved.clip, label=self.last_saved.label))

    def shutdown(self) -> None:
        self.timer.stop()
        if self._needed > 0:
            self._finish_capture()
        self.player.stop()
