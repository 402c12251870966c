"""The monitoring window: wires the input bar, live views, keyword settings, trigger log and model panel
to a StreamController. The GUI thread only draws and handles input; the worker thread does the DSP."""

from __future__ import annotations

import logging
from pathlib import Path

import sounddevice as sd
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox, QSplitter, QTabWidget, QVBoxLayout, QWidget

from kwapp import __version__
from kwapp.audio.devices import DeviceError, list_inputs, refresh
from kwapp.config import DetectorConfig
from kwapp.model.bundle import ModelFolderError, ModelInfo, load_model_info
from kwapp.pipeline.events import TriggerEvent, TriggerStore, data_home
from kwapp.pipeline.worker import SourceSpec, StreamController, StreamUpdate
from kwapp.train.samples import SAMPLES_DIR_NAME, SampleStore
from kwapp.ui.actions_host import ActionsHost, link_is_abnormal
from kwapp.ui.device_watcher import DeviceWatcher
from kwapp.ui.finetune_panel import FinetunePanel
from kwapp.ui.gc_guard import GuiThreadCollector
from kwapp.ui.history import FrameHistory
from kwapp.ui.i18n import Translations, error_text
from kwapp.ui.integration_dialog import IntegrationDialog
from kwapp.ui.input_bar import InputBar
from kwapp.ui.keyword_panel import KeywordPanel
from kwapp.ui.live_view import LiveView
from kwapp.ui.model_panel import ModelPanel
from kwapp.ui.record_panel import RecordPanel
from kwapp.ui.settings import AppSettings
from kwapp.ui.settings_dialog import SettingsDialog
from kwapp.ui.spectrogram_view import LOGMEL_LEVELS
from kwapp.ui.theme import THEMES, apply_theme
from kwapp.ui.trigger_log import TriggerLogPanel

log = logging.getLogger(__name__)

REDRAW_MS = 66  # plots redraw at most 15 times a second, whatever the update rate
STATUS_MS = 6000  # how long a status-bar message stays


class MainWindow(QMainWindow):
    """One window per process; `controller`, `history` and the panels are public for tests and scripts."""

    def __init__(self, info: ModelInfo, settings: AppSettings, store: TriggerStore, translations: Translations,
                 source: SourceSpec | None = None, autostart: bool = True, service_config: Path | None = None):
        super().__init__()
        self.info, self.settings, self.store, self.translations = info, settings, store, translations
        self.theme = THEMES[settings.theme]
        self.detector_defaults = DetectorConfig()
        self.collector = GuiThreadCollector(self)
        self.collector.start()  # before the worker thread exists
        self.controller = StreamController(store, self)
        self.actions = ActionsHost(service_config, self)
        self.device_watcher = DeviceWatcher(parent=self)
        self.controller.actions = self.actions
        self.history = FrameHistory(info.features.n_mels, info.keywords, info.features.hop_ms / 1000, LOGMEL_LEVELS[0])
        self._build_widgets()
        self._build_menus()
        self._connect()
        self._show_model(info)
        self._fill_sources(source)
        self.redraw_timer = QTimer(self)
        self.redraw_timer.timeout.connect(self._redraw)
        self.redraw_timer.start(REDRAW_MS)
        self.retranslate()
        self.actions.load()  # before the stream, so the broker connection is up when the first event comes
        if settings.geometry is not None:
            self.restoreGeometry(settings.geometry)
        if autostart and self.input_bar.current_spec() is not None:
            self.start_stream()

    def _build_widgets(self) -> None:
        self.input_bar = InputBar(self.theme)
        self.live_view = LiveView(self.theme)
        self.confidence = self.live_view.confidence
        self.keyword_panel = KeywordPanel()
        self.trigger_panel = TriggerLogPanel(self.store)
        self.model_panel = ModelPanel()
        self.record_panel = RecordPanel(self.controller, self.info, SampleStore(data_home() / SAMPLES_DIR_NAME))
        self.finetune_panel = FinetunePanel(self.info)
        self.tabs = QTabWidget()
        for panel in (self.trigger_panel, self.keyword_panel, self.model_panel, self.record_panel, self.finetune_panel):
            self.tabs.addTab(panel, "")
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(self.live_view)
        body.addWidget(self.tabs)
        body.setSizes([800, 480])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.input_bar)
        layout.addWidget(body, 1)
        self.setCentralWidget(central)
        self.link_label = QLabel()
        self.statusBar().addPermanentWidget(self.link_label)
        self.resize(1360, 820)

    def _build_menus(self) -> None:
        self.file_menu, self.settings_menu, self.help_menu = (self.menuBar().addMenu("") for _ in range(3))
        self.open_action = QAction(self, triggered=self.input_bar.choose_file)
        self.export_action = QAction(self, triggered=self.trigger_panel.choose_export_file)
        self.model_action = QAction(self, triggered=self.model_panel.choose_folder)
        self.quit_action = QAction(self, triggered=self.close, shortcut=QKeySequence.StandardKey.Quit)
        self.settings_action = QAction(self, triggered=self.open_settings_dialog)
        self.integration_action = QAction(self, triggered=self.open_integration_dialog)
        self.about_action = QAction(self, triggered=self._show_about)
        self.file_menu.addActions([self.open_action, self.export_action, self.model_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.settings_menu.addActions([self.settings_action, self.integration_action])
        self.help_menu.addAction(self.about_action)

    def _connect(self) -> None:
        bar, controller = self.input_bar, self.controller
        bar.start_requested.connect(self.start_stream)
        bar.stop_requested.connect(self.stop_stream)
        bar.source_changed.connect(self._on_source_changed)
        bar.refresh_requested.connect(self.refresh_devices)
        self.device_watcher.changed.connect(self._on_devices_changed)
        controller.updated.connect(self._on_update)
        controller.events_logged.connect(self._on_events)
        controller.failed.connect(self._on_failed)
        controller.ended.connect(lambda: self.show_status(self.tr("The file has ended")))
        controller.running_changed.connect(bar.set_running)
        controller.model_loaded.connect(self._on_model_loaded)
        self.confidence.threshold_changed.connect(self._on_threshold_dragged)
        self.keyword_panel.threshold_changed.connect(self._on_threshold_typed)
        self.keyword_panel.refractory_changed.connect(self._on_refractory_changed)
        self.keyword_panel.enabled_changed.connect(self._on_enabled_changed)
        self.keyword_panel.reset_requested.connect(self._reset_keywords)
        self.trigger_panel.status_message.connect(self.show_status)
        self.model_panel.load_requested.connect(self.load_model)
        self.record_panel.status_message.connect(self.show_status)
        self.finetune_panel.status_message.connect(self.show_status)
        self.finetune_panel.load_requested.connect(self.load_model)
        self.actions.status_changed.connect(self.show_link_status)
        self.actions.failed.connect(self._on_failed)

    def show_link_status(self, status) -> None:
        """Show the broker's and the webhook's state in the status bar; the alarm colour while one is down."""
        parts = []
        for link, name in ((getattr(status, "mqtt", None), self.tr("MQTT")), (getattr(status, "webhook", None), self.tr("Webhook"))):
            if link is None:
                continue
            state = {"up": self.tr("connected"), "down": self.tr("unreachable"), "starting": self.tr("connecting"),
                     "stopped": self.tr("stopped")}.get(link.state, link.state)
            text = self.tr("{target}: {state}").format(target=name, state=state)
            if link.pending:
                text += self.tr(" ({count} waiting)").format(count=link.pending)
            parts.append(text)
        self.link_label.setText("  ·  ".join(parts))
        self.link_label.setToolTip("\n".join(f"{link.name}: {link.detail}" for link in (getattr(status, "mqtt", None),
                                   getattr(status, "webhook", None)) if link is not None))
        self.link_label.setStyleSheet(f"color: {self.theme.alarm}" if link_is_abnormal(status) else "")

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("kwapp: keyword monitor"))
        self.tabs.setTabText(0, self.tr("Detections"))
        self.tabs.setTabText(1, self.tr("Keywords"))
        self.tabs.setTabText(2, self.tr("Model"))
        self.tabs.setTabText(3, self.tr("Record samples"))
        self.tabs.setTabText(4, self.tr("Fine-tune"))
        self.file_menu.setTitle(self.tr("&File"))
        self.settings_menu.setTitle(self.tr("&Settings"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.open_action.setText(self.tr("Open audio file…"))
        self.export_action.setText(self.tr("Export detections as CSV…"))
        self.model_action.setText(self.tr("Load model folder…"))
        self.quit_action.setText(self.tr("Quit"))
        self.settings_action.setText(self.tr("Language and theme…"))
        self.integration_action.setText(self.tr("Plant integration (MQTT, webhook)…"))
        self.about_action.setText(self.tr("About kwapp"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MS)

    # --- sources and streaming ----------------------------------------------------------------

    def _fill_sources(self, source: SourceSpec | None) -> None:
        """List the input devices; select `source`, else the saved device, else the system default."""
        try:
            devices = list_inputs()
        except DeviceError as exc:
            log.error("listing input devices failed: %s", exc)
            devices = []
        preferred = source.name if source is not None and source.kind == "device" else self.settings.device_name
        self.input_bar.set_devices(devices, preferred)
        if source is not None and source.kind == "file":
            self.input_bar.set_file(Path(source.name))
        self.input_bar.select_channel(source.channel if source is not None else self.settings.channel)
        if not devices:
            self.show_status(self.tr("No input device found: connect a microphone and press Refresh, or open a file"))

    def start_stream(self) -> None:
        spec = self.input_bar.current_spec()
        if spec is None:
            self.show_status(self.tr("Choose an input device or open a file first"))
            return
        if spec.kind == "device":
            self.settings.device_name, self.settings.channel = spec.name, spec.channel
        self.history.reset(self.info.keywords)
        self.controller.start(spec, self.info, self.settings.keyword_settings(self.info.keywords))
        self.show_status(self.tr("Listening to {source}").format(source=spec.label))

    def stop_stream(self) -> None:
        if not self.controller.stop():
            self.show_status(self.tr("The input did not stop in time; see the log"))

    def _on_source_changed(self) -> None:
        if self.controller.is_running():
            self.start_stream()

    def refresh_devices(self) -> None:
        """Rescan devices. PortAudio can only rescan with no stream open, so the input restarts."""
        was_running = self.controller.is_running()
        self.controller.stop()
        self.trigger_panel.player.stop()
        selected = self.input_bar.current_spec()
        try:
            refresh()
        except (sd.PortAudioError, OSError) as exc:
            log.error("rescanning audio devices failed: %s", exc)
        self._fill_sources(selected)
        if was_running:
            self.start_stream()

    def _on_devices_changed(self) -> None:
        """Rescan when no input is open. Otherwise show a hint, because a rescan restarts the input."""
        if not self.controller.is_running():
            self.refresh_devices()
            self.show_status(self.tr("Input devices changed; the list is updated"))
        else:
            self.show_status(self.tr("Input devices changed; press Refresh to update the list (the input restarts)"))

    def _on_update(self, update: StreamUpdate) -> None:
        self.history.append(update)
        self.input_bar.show_update(update)

    def _on_events(self, events: list[TriggerEvent]) -> None:
        self.trigger_panel.add_events(events)
        last = events[-1]
        self.show_status(self.tr("Detected {keyword} (score {score:.2f})").format(keyword=last.keyword, score=last.score))

    def _on_failed(self, message: str) -> None:
        self.show_status(self.tr("Error: {message}").format(message=message))

    def _redraw(self) -> None:
        if self.history.dirty:
            self.history.dirty = False
            self.live_view.redraw(self.history)
        self.input_bar.tick()

    # --- keywords and model -------------------------------------------------------------------

    def keyword_values(self) -> dict[str, tuple[float, float, bool]]:
        """Return keyword -> (threshold, refractory s, enabled): the user's value, else the model's, else the default."""
        overrides = self.settings.keyword_settings(self.info.keywords)
        values = {}
        for keyword in self.info.keywords:
            item = overrides[keyword]
            model_threshold = self.info.thresholds.get(keyword, self.detector_defaults.default_threshold)
            threshold = item.threshold if item.threshold is not None else model_threshold
            refractory_s = item.refractory_s if item.refractory_s is not None else self.detector_defaults.refractory_s
            values[keyword] = (threshold, refractory_s, item.enabled)
        return values

    def _show_model(self, info: ModelInfo) -> None:
        values = self.keyword_values()
        self.model_panel.show_model(info)
        self.record_panel.set_model(info)
        self.finetune_panel.set_model(info)
        self.keyword_panel.set_keywords(values)
        self.live_view.set_keywords({k: v[0] for k, v in values.items()})
        self.history.reset(info.keywords)

    def _on_threshold_dragged(self, keyword: str, value: float) -> None:
        self.keyword_panel.set_threshold(keyword, value)
        self._set_threshold(keyword, value)

    def _on_threshold_typed(self, keyword: str, value: float) -> None:
        self.confidence.set_threshold(keyword, value)
        self._set_threshold(keyword, value)

    def _set_threshold(self, keyword: str, value: float) -> None:
        self.controller.set_threshold(keyword, value)
        self.settings.set_threshold(keyword, value)

    def _on_refractory_changed(self, keyword: str, seconds: float) -> None:
        self.controller.set_refractory(keyword, seconds)
        self.settings.set_refractory(keyword, seconds)

    def _on_enabled_changed(self, keyword: str, enabled: bool) -> None:
        self.controller.set_enabled(keyword, enabled)
        self.settings.set_enabled(keyword, enabled)

    def _reset_keywords(self) -> None:
        self.settings.clear_keywords(self.info.keywords)
        self._show_model(self.info)
        for keyword, (threshold, refractory_s, enabled) in self.keyword_values().items():
            self.controller.set_threshold(keyword, threshold)
            self.controller.set_refractory(keyword, refractory_s)
            self.controller.set_enabled(keyword, enabled)

    def load_model(self, folder: Path) -> bool:
        """Check a model folder and switch to it; a running stream keeps its input open.

        The window shows the new model once the worker runs it, so a model that fails to load in
        the worker leaves the old one on screen and in the settings.
        """
        try:
            info = load_model_info(folder)
            if not info.onnx_path.is_file():
                raise ModelFolderError(f"model folder {folder} has no {info.onnx_path.name}; run 'kwapp export' to create it")
        except ModelFolderError as exc:
            log.error("loading model %s failed: %s", folder, exc)
            QMessageBox.warning(self, self.tr("Model not loaded"), error_text(exc))
            return False
        if not self.controller.is_running():
            self._commit_model(info)
            return True
        self.controller.swap_model(info, self.settings.keyword_settings(info.keywords))
        self.show_status(self.tr("Loading model {name}…").format(name=info.folder.name))
        return True

    def _commit_model(self, info: ModelInfo) -> None:
        """Show and remember a model once it runs (or at once when no stream is running)."""
        self.info = info
        self.settings.model_folder = info.folder.resolve()
        self._show_model(info)

    def _on_model_loaded(self, info: ModelInfo) -> None:
        self._commit_model(info)
        self.show_status(self.tr("Model {name} is running").format(name=info.folder.name))

    # --- language, theme, close ---------------------------------------------------------------

    def open_settings_dialog(self) -> None:
        dialog = SettingsDialog(self.translations.language, self.theme.name, self)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        self.settings.language, self.settings.theme = dialog.language, dialog.theme
        self.set_language(dialog.language)
        self.set_theme(dialog.theme)

    def open_integration_dialog(self) -> None:
        IntegrationDialog(self.actions, self.info.keywords, self).exec()

    def set_language(self, language: str) -> None:
        """Switch the UI language; widgets retranslate on the LanguageChange event Qt posts."""
        if language != self.translations.language and not self.translations.apply(language):
            self.show_status(self.tr("The {language} translation could not be loaded; see the log").format(language=language))

    def set_theme(self, name: str) -> None:
        self.theme = THEMES[name]
        apply_theme(QApplication.instance(), self.theme)
        self.input_bar.set_theme(self.theme)
        self.live_view.apply_theme(self.theme)

    def _show_about(self) -> None:
        QMessageBox.about(self, self.tr("About kwapp"), self.tr(
            "kwapp {version}\n\nOffline keyword spotting with a streaming Keyword Mamba model. "
            "Audio never leaves this computer.").format(version=__version__))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop every thread before the window goes: the stream worker and snippet playback."""
        self.redraw_timer.stop()
        if not self.controller.stop():
            log.error("the stream thread was still running when the window closed")
        self.trigger_panel.shutdown()
        self.record_panel.shutdown()
        self.finetune_panel.shutdown()
        self.actions.stop()
        self.collector.stop()
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        self.store.close()
        log.info("window closed")
        super().closeEvent(event)
