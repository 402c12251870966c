"""The loop that drives an engine from a source, shared by `kwapp listen` and the window's worker."""

from __future__ import annotations

import logging
import threading
from typing import Callable

from kwapp.audio.source import EndOfStream
from kwapp.pipeline.engine import Engine, EngineOutput

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 0.05


def run_stream(source, engine: Engine, on_output: Callable[[EngineOutput], None], stop: threading.Event,
               flush_at_end: bool = True) -> bool:
    """Pull blocks until the source ends or `stop` is set; returns True when the source ended.

    A live source buffers in its ring while this loop works, so a slow step never blocks the PortAudio
    callback. When the ring is full, the source drops new blocks and counts them in its stats.
    """
    source.start()
    try:
        while not stop.is_set():
            try:
                block = source.read(READ_TIMEOUT_S)
            except EndOfStream:
                if flush_at_end:
                    on_output(engine.flush())
                return True
            if len(block):
                on_output(engine.process(block))
        return False
    finally:
        source.stop()


class EngineThread(threading.Thread):
    """Thread around run_stream for headless use; errors are logged and kept in `error`."""

    def __init__(self, source, engine: Engine, on_output: Callable[[EngineOutput], None]):
        super().__init__(name="kwapp-engine", daemon=True)
        self.source, self.engine, self.on_output = source, engine, on_output
        self.stop_event = threading.Event()
        self.ended = False
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.ended = run_stream(self.source, self.engine, self.on_output, self.stop_event)
        except ValueError as exc:  # bad input that shows only once the source opens, such as a missing channel
            log.error("engine thread stopped: %s", exc)
            self.error = exc
        except Exception as exc:  # thread boundary: report, never die silently
            log.exception("engine thread failed")
            self.error = exc

    def stop(self, timeout_s: float = 2.0) -> None:
        self.stop_event.set()
        self.join(timeout_s)
