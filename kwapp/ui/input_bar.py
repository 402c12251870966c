"""The input bar: source picker, channel, start/stop, level meter and the input's health indicators."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import soundfile as sf
from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget)

from kwapp.audio.devices import InputDevice
from kwapp.audio.wavio import AUDIO_SUFFIXES
from kwapp.pipeline.worker import SourceSpec, StreamUpdate
from kwapp.ui.level_meter import LevelMeter
from kwapp.ui.theme import Theme, badge_style

log = logging.getLogger(__name__)

CLIP_HOLD_S = 2.0  # the clip indicator stays lit this long after the last clipped sample
COUNTER_REFRESH_S = 0.5  # counters and the level number are text: refreshed slower than the meter


class InputBar(QWidget):
    """Chooses the audio source and shows its level, clipping, overflows, drops and loss."""

    start_requested = Signal()
    stop_requested = Signal()
    source_changed = Signal()  # another device, file or channel was chosen
    refresh_requested = Signal()

    def __init__(self, theme: Theme, parent=None):
        super().__init__(parent)
        self.theme = theme
        self.running = False
        self.file_path: Path | None = None
        self._last_clip = -1e9
        self._last_text_refresh = 0.0
        self._stats = None
        self._build()
        self.retranslate()
        self.set_theme(theme)

    def _build(self) -> None:
        self.source_label, self.channel_label = QLabel(), QLabel()
        self.source_box, self.channel_box = QComboBox(), QComboBox()
        self.source_box.setMinimumContentsLength(28)
        self.refresh_button, self.file_button, self.start_button = QPushButton(), QPushButton(), QPushButton()
        self.meter = LevelMeter(self.theme)
        self.level_label, self.clip_badge = QLabel(), QLabel()
        self.overflow_badge, self.drop_badge, self.lost_badge = QLabel(), QLabel(), QLabel()
        self.lost_badge.hide()
        top = QHBoxLayout()
        for widget in (self.source_label, self.source_box, self.refresh_button, self.channel_label, self.channel_box,
                       self.file_button, self.start_button):
            top.addWidget(widget)
        top.setStretch(1, 1)
        bottom = QHBoxLayout()
        for widget in (self.meter, self.level_label, self.clip_badge, self.overflow_badge, self.drop_badge, self.lost_badge):
            bottom.addWidget(widget)
        bottom.setStretch(0, 1)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.addLayout(top, 0, 0)
        grid.addLayout(bottom, 1, 0)
        self.source_box.activated.connect(self._on_source_picked)
        self.channel_box.activated.connect(lambda _: self.source_changed.emit())
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.file_button.clicked.connect(self.choose_file)
        self.start_button.clicked.connect(lambda: self.stop_requested.emit() if self.running else self.start_requested.emit())

    def retranslate(self) -> None:
        self.source_label.setText(self.tr("Input:"))
        self.channel_label.setText(self.tr("Channel:"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Scan for input devices again (stops the input while scanning)"))
        self.file_button.setText(self.tr("Open file…"))
        self.file_button.setToolTip(self.tr("Play a WAV or FLAC file as if it were a microphone"))
        self.start_button.setText(self.tr("Stop") if self.running else self.tr("Start"))
        self.clip_badge.setText(self.tr("Clipping"))
        self.clip_badge.setToolTip(self.tr("Lit when samples reached full scale in the last 2 seconds; lower the input gain"))
        self.lost_badge.setText(self.tr("Microphone lost: reconnecting…"))
        self._refresh_channel_names()
        self._refresh_file_item()
        self._refresh_counters(force=True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.meter.set_theme(theme)
        self._refresh_counters(force=True)
        self.lost_badge.setStyleSheet(badge_style(theme.alarm, theme))

    # --- sources ------------------------------------------------------------------------------

    def set_devices(self, devices: list[InputDevice], selected: str | None) -> None:
        """List input devices (plus the chosen file, if any) and select `selected` by name."""
        self.source_box.clear()
        self._refresh_file_item()
        for device in devices:
            self.source_box.addItem(device.label, ("device", device.name, device.channels))
        if self.source_box.count() == 0:
            self.source_box.addItem(self.tr("No input device found"), None)
        names = [self.source_box.itemData(i)[1] if self.source_box.itemData(i) else None for i in range(self.source_box.count())]
        self.source_box.setCurrentIndex(names.index(selected) if selected in names else 0)
        self._fill_channels()

    def set_file(self, path: Path) -> None:
        """Add (or replace) the file entry and select it."""
        self.file_path = Path(path)
        self._refresh_file_item()
        self.source_box.setCurrentIndex(0)
        self._fill_channels()

    def _refresh_file_item(self) -> None:
        if self.file_path is None:
            return
        text = self.tr("File: {name}").format(name=self.file_path.name)
        data = ("file", str(self.file_path), self._file_channels(self.file_path))
        first = self.source_box.itemData(0) if self.source_box.count() else None
        if first is not None and first[0] == "file":
            self.source_box.setItemText(0, text)
            self.source_box.setItemData(0, data)
        else:
            self.source_box.insertItem(0, text, data)

    @staticmethod
    def _file_channels(path: Path) -> int:
        try:
            return sf.info(str(path)).channels
        except (sf.LibsndfileError, RuntimeError, OSError):
            return 1  # the worker reports the unreadable file when it opens it

    def choose_file(self) -> None:
        suffixes = " ".join(f"*{s}" for s in AUDIO_SUFFIXES)
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open audio file"), "",
                                              self.tr("Audio files ({patterns})").format(patterns=suffixes))
        if name:
            self.set_file(Path(name))
            self.source_changed.emit()

    def _on_source_picked(self, _index: int) -> None:
        self._fill_channels()
        self.source_changed.emit()

    def _fill_channels(self) -> None:
        data = self.source_box.currentData()
        channels = data[2] if data else 0
        previous = self.channel_box.currentData()
        self.channel_box.clear()
        self.channel_box.addItem("", None)
        for channel in range(channels):
            self.channel_box.addItem(str(channel + 1), channel)
        self._refresh_channel_names()
        index = self.channel_box.findData(previous)
        self.channel_box.setCurrentIndex(max(0, index) if previous is not None else 0)

    def _refresh_channel_names(self) -> None:
        if self.channel_box.count():
            self.channel_box.setItemText(0, self.tr("Mix of all"))

    def select_channel(self, channel: int | None) -> None:
        index = self.channel_box.findData(channel)
        if index >= 0:
            self.channel_box.setCurrentIndex(index)

    def current_spec(self) -> SourceSpec | None:
        data = self.source_box.currentData()
        if not data:
            return None
        return SourceSpec(kind=data[0], name=data[1], channel=self.channel_box.currentData())

    # --- state --------------------------------------------------------------------------------

    def set_running(self, running: bool) -> None:
        self.running = running
        self.start_button.setText(self.tr("Stop") if running else self.tr("Start"))
        if not running:
            self.meter.set_level(-1e9, 0.0, False)
            self.lost_badge.hide()

    def show_update(self, update: StreamUpdate) -> None:
        now = time.monotonic()
        if update.clipped:
            self._last_clip = now
        self._stats = update.stats
        self.meter.set_level(update.level_dbfs, update.peak, now - self._last_clip < CLIP_HOLD_S, now)
        self.lost_badge.setVisible(update.stats.mic_lost)
        self._refresh_counters()

    def _refresh_counters(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_text_refresh < COUNTER_REFRESH_S:
            return
        self._last_text_refresh = now
        overflows = self._stats.overflows if self._stats else 0
        dropped = self._stats.dropped_frames if self._stats else 0
        self.level_label.setText(self.tr("{level:.0f} dBFS").format(level=self.meter.level_dbfs))
        self.overflow_badge.setText(self.tr("Overflows: {count}").format(count=overflows))
        self.overflow_badge.setToolTip(self.tr("Times the audio driver reported lost input (PortAudio input overflow)"))
        self.drop_badge.setText(self.tr("Dropped: {count} frames").format(count=dropped))
        self.drop_badge.setToolTip(self.tr("Audio frames discarded because processing fell behind"))
        clipping = now - self._last_clip < CLIP_HOLD_S
        for badge, colour in ((self.overflow_badge, self.theme.warning if overflows else None),
                              (self.drop_badge, self.theme.warning if dropped else None),
                              (self.clip_badge, self.theme.alarm if clipping else None)):
            style = badge_style(colour, self.theme)
            if badge.styleSheet() != style:  # a new style sheet re-polishes the widget
                badge.setStyleSheet(style)

    def tick(self) -> None:
        """Called by the window's redraw timer: lets the clip indicator and peak hold fall back."""
        if self.meter.clipping and time.monotonic() - self._last_clip >= CLIP_HOLD_S:
            self.meter.clipping = False
            self.meter.update()
        self._refresh_counters()
