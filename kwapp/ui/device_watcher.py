"""Notices audio devices being plugged in or out, where the system shows them as files (Linux: /dev/snd).

PortAudio lists a new device only after a re-initialisation, which must not happen under an open
stream, so the window decides what to do with `changed`: rescan at once when no input is open,
otherwise tell the user. On systems without such a folder (Windows, macOS) nothing is watched and
the Refresh button stays the way to rescan.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

log = logging.getLogger(__name__)

DEVICE_DIRS = ("/dev/snd",)  # ALSA device nodes appear and vanish with USB microphones
SETTLE_MS = 1500  # one plug-in creates several nodes; report once they have settled


class DeviceWatcher(QObject):
    """Emits `changed` once per burst of changes in the watched device folders."""

    changed = Signal()

    def __init__(self, folders: tuple[str, ...] = DEVICE_DIRS, parent: QObject | None = None):
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._watcher.directoryChanged.connect(lambda _path: self._settle.start())
        self._settle.timeout.connect(self._report)
        for folder in folders:
            self.watch(Path(folder))

    def watch(self, folder: Path) -> bool:
        """Watch one more folder; returns False when it does not exist."""
        if not folder.is_dir():
            log.debug("device folder %s not found; not watched", folder)
            return False
        return self._watcher.addPath(str(folder))

    @property
    def folders(self) -> list[str]:
        return self._watcher.directories()

    def _report(self) -> None:
        log.info("audio devices changed in %s", ", ".join(self.folders))
        self.changed.emit()
