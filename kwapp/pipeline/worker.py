"""The window's inference thread: a QObject worker moved to a QThread that runs `run_stream`.

All DSP and model steps run in the worker thread. The worker batches engine outputs and emits
at most UPDATE_HZ updates per second, plus one at once for each block with a detection. The window changes detector settings, or swaps the model,
through a command queue that the worker drains between blocks, because the worker thread spends
its time inside `run_stream` and never returns to a Qt event loop while streaming.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from kwapp.audio.source import SourceStats
from kwapp.audio.wavio import write_wav_atomic
from kwapp.config import SAMPLE_RATE_HZ
from kwapp.detect.detector import Detection
from kwapp.model.bundle import ModelInfo
from kwapp.pipeline.engine import LEVEL_FLOOR_DBFS, Engine, EngineOutput
from kwapp.pipeline.events import SnippetRecorder, TriggerEvent, TriggerStore, new_event_id
from kwapp.pipeline.loop import run_stream

log = logging.getLogger(__name__)

UPDATE_HZ = 15.0  # maximum rate of `updated` signals (the plots redraw at about 15 Hz)
IDLE_UPDATE_S = 0.25  # an update with only counters when no audio arrives (e.g. microphone lost)
FINISH_WAIT_MS = 100  # a thread that emitted finished ends within this; a still-running one costs one such wait
STOP_TIMEOUT_MS = 2000  # how long stop() waits for the thread; blocking reads return within 0.1 s


@dataclasses.dataclass(frozen=True)
class SourceSpec:
    """The audio to open: a file played as a microphone, or an input device by name."""

    kind: str  # "file" or "device"
    name: str  # file path or device name
    channel: int | None = None  # 0-based input channel; None downmixes
    realtime: bool = True  # pace a file at real-time speed
    loop: bool = False  # restart a file at its end

    def open(self):
        if self.kind == "file":
            from kwapp.audio.replay import FileSource

            return FileSource(self.name, realtime=self.realtime, channel=self.channel, loop=self.loop)
        if self.kind == "device":
            from kwapp.audio.capture import MicSource

            return MicSource(self.name, channel=self.channel)
        raise ValueError(f"source kind {self.kind!r} is invalid; use 'file' or 'device'")

    @property
    def label(self) -> str:
        return Path(self.name).name if self.kind == "file" else self.name


@dataclasses.dataclass(frozen=True)
class KeywordSettings:
    """The user's detector settings for one keyword; None keeps the model's value."""

    threshold: float | None = None
    refractory_s: float | None = None
    enabled: bool = True


@dataclasses.dataclass
class StreamUpdate:
    """Everything the worker produced since its previous update."""

    session: int  # which start() of the controller produced it
    keywords: tuple[str, ...]
    first_frame: int  # stream frame index of the first row; counts on across model swaps
    logmel: np.ndarray  # (n, n_mels) natural-log mel power
    scores: np.ndarray  # (n, keywords) smoothed scores
    events: list[TriggerEvent]
    event_frames: list[int]  # stream frame index of each event
    level_dbfs: float  # loudest block RMS in the batch
    peak: float  # max |sample| in the batch
    clipped: int  # samples at or beyond full scale in the batch
    stats: SourceStats  # a copy of the source's counters


def apply_keyword_settings(engine: Engine, settings: dict[str, KeywordSettings]) -> None:
    """Apply the user's settings to the keywords of this engine's model; skip other keywords."""
    detector = engine.detector
    for keyword, item in settings.items():
        if keyword not in detector.thresholds:
            continue
        if item.threshold is not None:
            detector.set_threshold(keyword, item.threshold)
        if item.refractory_s is not None:
            detector.refractory_s[keyword] = float(item.refractory_s)
        detector.enabled[keyword] = bool(item.enabled)


class _Batch:
    """Engine outputs collected between two updates."""

    def __init__(self):
        self.logmel: list[np.ndarray] = []
        self.scores: list[np.ndarray] = []
        self.events: list[TriggerEvent] = []
        self.event_frames: list[int] = []
        self.level_dbfs = LEVEL_FLOOR_DBFS
        self.peak = 0.0
        self.clipped = 0

    def add(self, out: EngineOutput) -> None:
        if len(out.logmel):
            self.logmel.append(out.logmel)
            self.scores.append(out.scores)
        self.level_dbfs = max(self.level_dbfs, out.level_dbfs)
        self.peak = max(self.peak, out.peak)
        self.clipped += out.clipped

    def is_empty(self) -> bool:
        return not self.logmel and not self.events and self.peak == 0.0

    def to_update(self, session: int, engine: Engine, first_frame: int, stats: SourceStats) -> StreamUpdate:
        n_mels, n_keywords = engine.info.features.n_mels, len(engine.keywords)
        logmel = np.concatenate(self.logmel) if self.logmel else np.zeros((0, n_mels), np.float32)
        scores = np.concatenate(self.scores) if self.scores else np.zeros((0, n_keywords), np.float32)
        return StreamUpdate(session, engine.keywords, first_frame, logmel, scores, self.events, self.event_frames,
                            self.level_dbfs, self.peak, self.clipped, dataclasses.replace(stats))


class _TapSource:
    """Wraps the real source: runs the worker's per-block duties around each read."""

    def __init__(self, source, on_block: Callable[[np.ndarray], None]):
        self.source = source
        self.on_block = on_block

    def start(self) -> None:
        self.source.start()

    def stop(self) -> None:
        self.source.stop()

    def read(self, timeout_s: float) -> np.ndarray:
        block = self.source.read(timeout_s)
        self.on_block(block)
        return block


class _EngineSlot:
    """The engine run_stream drives; the worker replaces `engine` on a model swap."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def process(self, block: np.ndarray) -> EngineOutput:
        return self.engine.process(block)

    def flush(self) -> EngineOutput:
        return self.engine.flush()


class StreamWorker(QObject):
    """Runs one stream in its thread: opens the source, builds the engine, streams until aborted or ended.

    Methods other than `run` may be called from any thread; they only queue commands or set the
    abort flag.
    """

    updated = Signal(object)  # StreamUpdate
    snippet_saved = Signal(str, str)  # event_id, WAV path
    model_loaded = Signal(object)  # ModelInfo, once a swap has taken effect
    failed = Signal(str)  # an error message; the stream may have stopped
    ended = Signal()  # the file source reached its end
    finished = Signal()
    audio_tapped = Signal(object)  # a copy of each 16 kHz block read while the tap is on

    def __init__(self, session: int, spec: SourceSpec, info: ModelInfo,
                 settings: dict[str, KeywordSettings], store: TriggerStore | None = None, actions=None):
        super().__init__()
        self.session, self.spec, self.info, self.store = session, spec, info, store
        self.actions = actions  # plant actions (ActionsHost or ActionService API); called from this thread
        self._settings = dict(settings)
        self._stop = threading.Event()
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.slot: _EngineSlot | None = None
        self.stats = SourceStats(name=spec.label)
        self.recorder = SnippetRecorder(SAMPLE_RATE_HZ)
        self._origin_sample = 0  # recorder sample where the current engine's stream time is zero
        self._frames_out = 0
        self._batch, self._batch_first_frame = _Batch(), 0
        self._last_emit = 0.0
        self._tap_on = False

    @property
    def engine(self) -> Engine | None:
        return None if self.slot is None else self.slot.engine

    # --- any thread ---------------------------------------------------------------------------

    def abort(self) -> None:
        self._stop.set()

    def set_threshold(self, keyword: str, value: float) -> None:
        self._commands.put(lambda: self.engine.detector.set_threshold(keyword, value))

    def set_refractory(self, keyword: str, seconds: float) -> None:
        self._commands.put(lambda: self.engine.detector.refractory_s.__setitem__(keyword, float(seconds)))

    def set_enabled(self, keyword: str, enabled: bool) -> None:
        self._commands.put(lambda: self.engine.detector.enabled.__setitem__(keyword, bool(enabled)))

    def swap_model(self, info: ModelInfo, settings: dict[str, KeywordSettings]) -> None:
        self._commands.put(lambda: self._swap(info, settings))

    def set_audio_tap(self, on: bool) -> None:
        """Start or stop emitting `audio_tapped` with each block (used to record samples)."""
        self._commands.put(lambda: setattr(self, "_tap_on", bool(on)))

    # --- worker thread ------------------------------------------------------------------------

    @Slot()
    def run(self) -> None:
        try:
            self._stream()
        except Exception as exc:  # thread boundary: log it and tell the window
            log.exception("stream on %s failed", self.spec.label)
            self.failed.emit(str(exc))
        finally:
            self._save_snippets(self.recorder.finish())
            self._emit(time.monotonic())
            self.finished.emit()

    def _stream(self) -> None:
        engine = Engine(self.info)
        apply_keyword_settings(engine, self._settings)
        self.slot = _EngineSlot(engine)
        source = self.spec.open()
        self.stats = source.stats
        if self.actions is not None:
            self.actions.watch_source(source.stats)
        if self._stop.is_set():
            source.stop()
            return
        log.info("stream %d started on %s with model %s", self.session, self.spec.label, self.info.folder)
        ended = run_stream(_TapSource(source, self._on_block), self.slot, self._on_output, self._stop)
        log.info("stream %d %s; source stats %s", self.session, "ended" if ended else "stopped", self.stats)
        if ended:
            self.ended.emit()

    def _drain_commands(self) -> None:
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                command()
            except Exception as exc:  # work handed over from the GUI thread: a failed command (e.g. an
                # unloadable model on a swap) is reported, and the stream goes on as before
                log.exception("stream %d: command failed", self.session)
                self.failed.emit(str(exc))

    def _swap(self, info: ModelInfo, settings: dict[str, KeywordSettings]) -> None:
        """Replace the engine; blocks read meanwhile wait in the source's buffer."""
        self._emit(time.monotonic())  # the batch so far belongs to the old keywords
        engine = Engine(info)
        apply_keyword_settings(engine, settings)
        # NOTE: samples the old engine held back for an incomplete frame (< one window) are not
        # passed on, so stream times after a swap may be late by up to one window.
        self._origin_sample = self.recorder.samples_in
        self.slot.engine, self.info = engine, info
        log.info("stream %d switched to model %s", self.session, info.folder)
        self.model_loaded.emit(info)

    def _on_block(self, block: np.ndarray) -> None:
        self._drain_commands()
        if len(block):
            self._save_snippets(self.recorder.push(block))
            if self._tap_on:
                self.audio_tapped.emit(block.copy())
        self._emit_if_due()

    def _on_output(self, out: EngineOutput) -> None:
        base = self._frames_out - out.first_frame  # engine frame index -> stream frame index
        for detection in out.events:
            self._batch.events.append(self._log_event(detection))
            self._batch.event_frames.append(base + detection.frame)
        self._batch.add(out)
        self._frames_out += len(out.logmel)
        if self.actions is not None:
            self.actions.handle_output(out)

    def _log_event(self, detection: Detection) -> TriggerEvent:
        event_id = new_event_id()
        event = TriggerEvent(
            event_id=event_id, keyword=detection.keyword, score=detection.score, threshold=detection.threshold,
            time_unix=time.time(), stream_t=self._origin_sample / SAMPLE_RATE_HZ + detection.t,
            source=self.spec.label, model=self.info.folder.name,
            snippet=f"{event_id}.wav" if self.store is not None else None,
        )
        if self.store is not None:
            try:
                self.store.append_event(event)
            except OSError as exc:
                log.error("appending event %s to %s failed: %s", event_id, self.store.log_path, exc)
                self.failed.emit(str(exc))
            self.recorder.add(event_id, self._origin_sample + round(detection.t * SAMPLE_RATE_HZ))
        if self.actions is not None:
            # The snippet file appears once its post-roll has been recorded, shortly after the event is sent.
            snippet = self.store.snippet_dir / event.snippet if self.store is not None else None
            self.actions.submit(detection, snippet, event_id)
        log.info("detected %r score %.3f at %.2f s (event %s)", event.keyword, event.score, event.stream_t, event_id)
        return event

    def _save_snippets(self, cuts: list[tuple[str, np.ndarray]]) -> None:
        for event_id, samples in cuts:
            path = self.store.snippet_dir / f"{event_id}.wav"
            try:
                write_wav_atomic(path, samples)
            except OSError as exc:
                log.error("writing snippet %s failed: %s", path, exc)
                self.failed.emit(str(exc))
                continue
            self.snippet_saved.emit(event_id, str(path))

    def _emit_if_due(self) -> None:
        now = time.monotonic()
        since = now - self._last_emit
        if self._batch.events:  # a detection goes to the trigger log at once, not with the next batch
            self._emit(now)
            return
        if since < 1.0 / UPDATE_HZ or (self._batch.is_empty() and since < IDLE_UPDATE_S):
            return
        self._emit(now)

    def _emit(self, now: float) -> None:
        if self.engine is None:
            return
        update = self._batch.to_update(self.session, self.engine, self._batch_first_frame, self.stats)
        self._batch, self._batch_first_frame = _Batch(), self._frames_out
        self._last_emit = now
        self.updated.emit(update)


class StreamController(QObject):
    """Starts, stops and steers one StreamWorker at a time, from the GUI thread.

    `updated` carries only the current stream's updates. `events_logged` and `snippet_saved`
    also carry those that a stopped stream emitted last, because its events are already in the store.
    """

    updated = Signal(object)  # StreamUpdate
    events_logged = Signal(list)  # [TriggerEvent]
    snippet_saved = Signal(str, str)  # event_id, WAV path
    model_loaded = Signal(object)  # ModelInfo
    failed = Signal(str)
    ended = Signal()
    running_changed = Signal(bool)
    audio_tapped = Signal(object)  # np.ndarray block of the current stream while its tap is on

    def __init__(self, store: TriggerStore | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.actions = None  # plant actions handed to each new stream (see kwapp.ui.actions_host)
        self.stream_thread: QThread | None = None
        self.worker: StreamWorker | None = None
        self._session = 0
        self._threads: list[QThread] = []  # every started thread, kept alive until it has finished

    def is_running(self) -> bool:
        return self.stream_thread is not None

    def start(self, spec: SourceSpec, info: ModelInfo, settings: dict[str, KeywordSettings]) -> None:
        """Stop any running stream, then stream `spec` through the model in a new thread."""
        self.stop()
        self._session += 1
        worker = StreamWorker(self._session, spec, info, settings, self.store, self.actions)
        thread = QThread()
        thread.setObjectName(f"kwapp-stream-{self._session}")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        # No deleteLater on the thread or the worker: Python owns both, and a deleteLater beside Python's
        # own deletion gave use-after-free crashes (a bus error in _on_thread_finished). _threads keeps
        # each thread alive until it has finished; the worker lives as long as the controller references it.
        thread.finished.connect(self._on_thread_finished)
        worker.updated.connect(self._relay_update)
        worker.snippet_saved.connect(self.snippet_saved)
        worker.model_loaded.connect(self.model_loaded)
        worker.failed.connect(self.failed)
        worker.ended.connect(self.ended)
        worker.audio_tapped.connect(self.audio_tapped)
        self.stream_thread, self.worker = thread, worker
        self._threads.append(thread)
        thread.start()
        self.running_changed.emit(True)

    def stop(self) -> bool:
        """Abort the stream and wait for its thread; returns False when it did not end in time."""
        thread, worker = self.stream_thread, self.worker
        if thread is None:
            return True
        self.stream_thread = self.worker = None
        worker.abort()
        stopped = True
        thread.quit()
        stopped = thread.wait(STOP_TIMEOUT_MS)
        if not stopped:
            log.error("stream thread %s did not stop within %d ms", thread.objectName(), STOP_TIMEOUT_MS)
        self.running_changed.emit(False)
        return stopped

    def swap_model(self, info: ModelInfo, settings: dict[str, KeywordSettings]) -> None:
        if self.worker is not None:
            self.worker.swap_model(info, settings)

    def set_audio_tap(self, on: bool) -> bool:
        """Turn the current stream's audio tap on or off; returns False when no stream runs."""
        if self.worker is None:
            return False
        self.worker.set_audio_tap(on)
        return True

    def set_threshold(self, keyword: str, value: float) -> None:
        if self.worker is not None:
            self.worker.set_threshold(keyword, value)

    def set_refractory(self, keyword: str, seconds: float) -> None:
        if self.worker is not None:
            self.worker.set_refractory(keyword, seconds)

    def set_enabled(self, keyword: str, enabled: bool) -> None:
        if self.worker is not None:
            self.worker.set_enabled(keyword, enabled)

    @Slot(object)
    def _relay_update(self, update: StreamUpdate) -> None:
        if update.events:
            self.events_logged.emit(update.events)
        if update.session == self._session and self.stream_thread is not None:
            self.updated.emit(update)

    @Slot()
    def _on_thread_finished(self) -> None:
        """Release threads that have ended; drop the current stream if its thread ended by itself."""
        thread = self.stream_thread
        if thread is not None and not thread.isFinished():
            thread.wait(FINISH_WAIT_MS)  # finished is emitted just before the thread ends
        self._threads = [t for t in self._threads if not t.isFinished()]
        if thread is not None and thread.isFinished():
            self.stream_thread = self.worker = None
            self.running_changed.emit(False)
