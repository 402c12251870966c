"""The window's plant-integration layer: owns the ActionService for the config file the window edits.

The stream worker calls watch_source(), handle_output() and submit() from its thread; they forward
to the running service (a reference read is atomic) and never block. The GUI thread starts, stops and
reconfigures the service, and polls its snapshot for the status bar.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from kwapp.actions.delivery import DOWN
from kwapp.actions.service import ActionService, ServiceStatus
from kwapp.audio.source import SourceStats
from kwapp.detect.detector import Detection
from kwapp.pipeline.events import data_home
from kwapp.service_config import ServiceConfig, ServiceConfigError, load_service_config, save_service_config
from kwapp.ui.i18n import error_text

log = logging.getLogger(__name__)

SERVICE_CONFIG_NAME = "service.toml"
POLL_MS = 1000  # status-bar refresh
STOP_FLUSH_S = 2.0  # on reconfigure or close, undelivered events stay in the outbox for the next start


def default_config_path() -> Path:
    return data_home() / SERVICE_CONFIG_NAME


def has_targets(config: ServiceConfig) -> bool:
    """True when any action can fire: a broker, a webhook or a sound file."""
    return bool(config.mqtt.host or config.webhook.url or config.sound.file
                or any(entry.sound for entry in config.keywords.values()))


class ActionsHost(QObject):
    """Loads, saves and runs the service config; emits `status_changed(snapshot)` once a second while running."""

    status_changed = Signal(object)  # ServiceStatus, or None when no action is configured
    failed = Signal(str)  # a config or start-up error, for the user

    def __init__(self, path: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.path = Path(path) if path is not None else default_config_path()
        self.config = ServiceConfig()
        self.service: ActionService | None = None
        self._source_stats: SourceStats | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll)

    def load(self) -> bool:
        """Read the config file when it exists and start its actions; False (and `failed`) on an error."""
        if not self.path.is_file():
            log.info("no service config at %s; plant actions are off", self.path)
            return True
        try:
            config = load_service_config(self.path)
        except ServiceConfigError as exc:
            log.error("%s", exc)
            self.failed.emit(error_text(exc))
            return False
        return self._start(config)

    def apply(self, config: ServiceConfig) -> bool:
        """Save a new config (atomically, owner-only) and restart the actions with it."""
        save_service_config(config, self.path)
        if config == self.config and self.service is not None:
            return True  # unchanged: no restart, so the station does not flicker offline and online
        self.stop()
        return self._start(config)

    def _start(self, config: ServiceConfig) -> bool:
        self.config = config
        if not has_targets(config):
            self.status_changed.emit(None)
            return True
        service = ActionService(config)
        service.watch_source(self._source_stats)
        try:
            service.start()
        except (ServiceConfigError, OSError) as exc:
            log.error("plant actions did not start: %s", exc)
            self.failed.emit(error_text(exc))
            return False
        self.service = service
        self._timer.start(POLL_MS)
        self._poll()
        return True

    def stop(self) -> None:
        service, self.service = self.service, None
        self._timer.stop()
        if service is not None:
            service.stop(STOP_FLUSH_S)
        self.status_changed.emit(None)

    def send_test_event(self) -> dict | None:
        """Queue a test event through every configured target; None when no action runs."""
        return None if self.service is None else self.service.send_test_event()

    def snapshot(self) -> ServiceStatus | None:
        return None if self.service is None else self.service.snapshot()

    def _poll(self) -> None:
        self.status_changed.emit(self.snapshot())

    # --- called from the stream worker's thread -------------------------------------------------

    def watch_source(self, stats: SourceStats | None) -> None:
        self._source_stats = stats
        service = self.service
        if service is not None:
            service.watch_source(stats)

    def handle_output(self, output) -> None:
        service = self.service
        if service is not None:
            service.handle_output(output, submit_events=False)

    def submit(self, detection: Detection, snippet: Path | None, event_id: str) -> None:
        service = self.service
        if service is not None:
            service.submit(detection, snippet, event_id)


def link_is_abnormal(status: ServiceStatus | None) -> bool:
    """True when a configured link is down: the status bar shows it in the alarm colour."""
    if status is None:
        return False
    return any(link is not None and link.state == DOWN for link in (status.mqtt, status.webhook))
