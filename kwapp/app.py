"""Start-up of the monitoring window: Qt logging, settings, translations, theme, model, source, window."""

from __future__ import annotations

import atexit
import logging
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QtMsgType, QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from kwapp import __version__
from kwapp.audio.devices import DeviceError, default_input, find_input
from kwapp.audio.wavio import AudioFileError
from kwapp.cli import DEFAULT_MODEL
from kwapp.messages import msg
from kwapp.model.bundle import ModelFolderError, ModelInfo, load_model_info
from kwapp.pipeline.events import TriggerStore, data_home
from kwapp.pipeline.worker import SourceSpec

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

QT_LOG_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
SIGNAL_POLL_MS = 200

_handler_installed = False


def _log_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    qt_log.log(QT_LOG_LEVELS.get(kind, logging.WARNING), "%s", message)


def route_qt_messages() -> None:
    """Send Qt's own warnings (qWarning and friends) to the `qt` logger instead of stderr; once per process."""
    global _handler_installed
    if _handler_installed:
        return
    qInstallMessageHandler(_log_qt_message)
    atexit.register(qInstallMessageHandler, None)  # Qt may still log while the interpreter shuts down
    _handler_installed = True


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("kwapp")
    app.setApplicationName("kwapp")
    app.setApplicationVersion(__version__)
    return app


def resolve_model(requested: Path | None, saved: Path | None) -> ModelInfo:
    """Load the requested folder (its errors go to the user), else the last loaded one, else models/default."""
    if requested is not None:
        return load_model_info(requested)
    if saved is not None:
        try:
            return load_model_info(saved)
        except ModelFolderError as exc:
            log.warning("the last used model %s is not usable (%s); loading %s", saved, exc, DEFAULT_MODEL)
    return load_model_info(DEFAULT_MODEL)


def resolve_source(file: Path | None, device: str | None, channel: int | None, saved_device: str | None) -> SourceSpec | None:
    """--source or --device (checked now, so a typo exits with a message), else the saved or default device."""
    if file is not None:
        if not Path(file).is_file():
            raise AudioFileError(msg("audio file {path} not found; pass an existing WAV or FLAC file with --source", path=file))
        return SourceSpec("file", str(file), channel)
    if device is not None:
        return SourceSpec("device", find_input(device).name, channel)
    names = [saved_device] if saved_device else []
    try:
        names.append(default_input().name)
    except DeviceError as exc:
        log.info("%s", exc)
    for name in names:
        try:
            return SourceSpec("device", find_input(name).name, channel)
        except DeviceError as exc:
            log.warning("input device %r is not available: %s", name, exc)
    log.warning("no input device to start with; the window opens stopped")
    return None


def create_window(source: SourceSpec | None = None, model: Path | None = None, language: str | None = None,
                  autostart: bool = True, resolve_default_source: bool = False, service_config: Path | None = None):
    """Build the window with the full start-up sequence; the caller shows it and runs the event loop."""
    from kwapp.ui.i18n import Translations, add_cjk_font_fallback, check_language, system_language
    from kwapp.ui.main_window import MainWindow
    from kwapp.ui.settings import AppSettings
    from kwapp.ui.theme import THEMES, apply_theme

    app = application()
    route_qt_messages()
    settings = AppSettings()
    translations = Translations(app)
    translations.apply(check_language(language or settings.language or system_language()))
    add_cjk_font_fallback(app)
    apply_theme(app, THEMES[settings.theme])
    info = resolve_model(model, settings.model_folder)
    if source is None and resolve_default_source:
        source = resolve_source(None, None, settings.channel, settings.device_name)
    store = TriggerStore(data_home())
    log.info("kwapp %s window: model %s, source %s, data in %s", __version__, info.folder, source, store.folder)
    return MainWindow(info, settings, store, translations, source, autostart, service_config)


def close_on_signals(window) -> None:
    """Close the window (stopping its threads) on Ctrl-C or SIGTERM instead of dying mid-write."""

    def close(signum, _frame) -> None:
        log.info("received signal %d; closing the window", signum)
        window.close()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, close)
    # Python runs signal handlers only between bytecodes; a timer returns control to Python
    # regularly while Qt's event loop waits.
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(SIGNAL_POLL_MS)


def run_gui(args) -> int:
    """`kwapp gui`: validate the arguments, open the window, run the event loop."""
    application()
    source = None
    if args.source is not None or args.device is not None:
        source = resolve_source(args.source, args.device, args.channel, None)
    window = create_window(source, args.model, args.lang, resolve_default_source=source is None,
                           service_config=args.config)
    close_on_signals(window)
    window.show()
    return QApplication.instance().exec()
