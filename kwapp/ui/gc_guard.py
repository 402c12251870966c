"""Python's cyclic garbage collector, run only in the GUI thread while a window is open.

Python collects cycles in whichever thread happens to allocate past a threshold. The stream
worker allocates constantly. Without this guard, a cycle holding a Qt object (a plot removed on
a model swap, a closed dialog) can be destroyed in the worker thread. Qt does not allow that,
and it can crash the process. While a window is open, automatic collection is off and a GUI
thread timer collects instead, generation by generation as the thresholds require.
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

COLLECT_INTERVAL_MS = 500

_active_guards = 0  # open windows; automatic collection is back on when the last one closes


class GuiThreadCollector(QObject):
    """Disables automatic collection between start() and stop() and collects on a timer instead."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.running = False

    def start(self) -> None:
        global _active_guards
        if self.running:
            return
        self.running = True
        _active_guards += 1
        gc.disable()
        self.timer.start(COLLECT_INTERVAL_MS)

    def collect(self) -> None:
        """Collect the generations whose counts passed their thresholds (what automatic collection does)."""
        thresholds = gc.get_threshold()
        young, middle, old = gc.get_count()
        if young <= thresholds[0]:
            return
        generation = 0
        if middle > thresholds[1]:
            generation = 2 if old > thresholds[2] else 1
        gc.collect(generation)

    def stop(self) -> None:
        """Collect everything now, in this thread; re-enable automatic collection after the last window."""
        global _active_guards
        if not self.running:
            return
        self.running = False
        self.timer.stop()
        _active_guards -= 1
        gc.collect()
        if _active_guards == 0:
            gc.enable()
