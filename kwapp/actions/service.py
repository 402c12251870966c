"""ActionService: the plant-integration layer of one station, used by `kwapp listen --config` and the window.

Threads: the engine thread only calls submit()/handle_output(), which never block. A dispatcher
thread takes events from a bounded queue and appends them to one outbox per target (MQTT,
webhook) or plays a sound. One delivery thread per target drains its outbox in order. A station
thread publishes status changes and the heartbeat.

Dispatch queue policy: when the queue holds [actions] queue_size events, submit() drops the new
event (drop-newest, because the engine thread must not wait) and counts it in events_dropped.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kwapp.actions.delivery import POLL_S, Delivery, LinkStatus
from kwapp.actions.event import TEST_KEYWORD, make_event, make_test_event
from kwapp.actions.mqtt import MqttLink
from kwapp.actions.sound import SoundPlayer
from kwapp.actions.webhook import WebhookTarget
from kwapp.audio.source import SourceStats
from kwapp.detect.detector import Detection
from kwapp.pipeline.outbox import Outbox
from kwapp.pipeline.station import OFFLINE, StationReporter
from kwapp.service_config import ServiceConfig

if TYPE_CHECKING:
    from kwapp.pipeline.engine import EngineOutput  # imports ONNX Runtime, which this module does not need

log = logging.getLogger(__name__)

DISPATCH_JOIN_S = 5.0  # time for the dispatcher to write its remaining queue to the outboxes at stop
DELIVERY_JOIN_MARGIN_S = 1.0  # beyond the webhook timeout, for a request in flight at stop


@dataclasses.dataclass(frozen=True)
class ServiceStatus:
    """A snapshot for the window's status bar or settings page; safe to read from any thread."""

    station: str
    running: bool
    station_status: str  # "online", "degraded", "mic_lost", or "offline" when not running
    mqtt: LinkStatus | None  # None when MQTT is off
    webhook: LinkStatus | None  # None when the webhook is off
    frames_processed: int
    events: int  # detections submitted
    events_dropped: int  # detections dropped because the dispatch queue was full
    sounds_played: int
    sound_failures: int


@dataclasses.dataclass(frozen=True)
class _Job:
    event: dict[str, Any]
    actions: tuple[str, ...]
    sound: Path | None


class ActionService:
    """Runs each keyword's actions (MQTT, webhook, sound) and reports the station's status."""

    def __init__(self, config: ServiceConfig):
        self.config = config
        self.station = config.station.name
        self.frames_processed = 0
        self.events = 0
        self.events_dropped = 0
        self._queue: queue.Queue[_Job] = queue.Queue(maxsize=config.actions.queue_size)
        self._source_stats: SourceStats | None = None
        self._stopping = threading.Event()
        self._running = False
        self.mqtt: MqttLink | None = None
        self.webhook: WebhookTarget | None = None
        self.sound = SoundPlayer(config.sound.device)
        self.outboxes: dict[str, Outbox] = {}
        self._deliveries: dict[str, Delivery] = {}
        self._dispatcher = threading.Thread(target=self._dispatch_loop, name="kwapp-actions", daemon=True)
        self._reporter = StationReporter(
            self.station, config.station.heartbeat_s, config.station.degraded_hold_s,
            counters=self.counters, drops=self._drops, source_stats=lambda: self._source_stats,
            publish_status=self._publish_status, publish_heartbeat=self._publish_heartbeat,
        )

    # --- start and stop --------------------------------------------------------------------------

    def start(self) -> None:
        """Open the outboxes, load sounds, connect; raises ServiceConfigError or OutboxInUseError on bad setup."""
        try:
            self._open_targets()
        except BaseException:
            self._close_targets()
            raise
        for delivery in self._deliveries.values():
            delivery.start()
        self._dispatcher.start()
        self._reporter.start()
        self._running = True
        self._log_setup()

    def _open_targets(self) -> None:
        cfg = self.config
        for path in {cfg.sound_for(k) for k in cfg.keywords} | {cfg.sound.file}:
            if path is not None:
                self.sound.load(path)
        if cfg.webhook.url:
            self.webhook = WebhookTarget(cfg.webhook)
            self.outboxes["webhook"] = Outbox(cfg.outbox.dir / "webhook.jsonl", cfg.outbox.max_events)
            self._deliveries["webhook"] = Delivery(self.outboxes["webhook"], self.webhook)
        if cfg.mqtt.host:
            self.mqtt = MqttLink(cfg.mqtt, self.station)  # first: it may reject the TLS files
            self.outboxes["mqtt"] = Outbox(cfg.outbox.dir / "mqtt.jsonl", cfg.outbox.max_events)
            self._deliveries["mqtt"] = Delivery(self.outboxes["mqtt"], self.mqtt)
            self.mqtt.start()

    def _log_setup(self) -> None:
        cfg = self.config
        targets = [f"MQTT {self.mqtt.address}" if self.mqtt else "", f"webhook {self.webhook.address}" if self.webhook else ""]
        log.info("station %s: actions started (%s); outbox %s; default actions %s; per keyword %s",
                 self.station, ", ".join(t for t in targets if t) or "no network targets", cfg.outbox.dir,
                 list(cfg.default_actions), {k: list(v.actions) for k, v in cfg.keywords.items()})

    def stop(self, flush_timeout_s: float | None = None) -> None:
        """Write queued events to the outboxes, deliver what reachable targets take within the flush
        timeout ([actions] flush_timeout_s), publish "offline" and disconnect. Undelivered events stay
        in the outboxes for the next start."""
        if not self._running:
            self._close_targets()
            return
        self._running = False
        self._stopping.set()
        self._dispatcher.join(DISPATCH_JOIN_S)
        timeout_s = self.config.actions.flush_timeout_s if flush_timeout_s is None else flush_timeout_s
        deadline = time.monotonic() + timeout_s
        for name, delivery in self._deliveries.items():
            if not delivery.flush(max(0.0, deadline - time.monotonic())):
                log.warning("%s: %d events not delivered before shutdown; they stay in %s for the next start",
                            name, len(delivery.outbox), delivery.outbox.path)
        self._reporter.stop()
        self._close_targets()
        log.info("station %s: actions stopped (%d events, %d dropped from the dispatch queue)",
                 self.station, self.events, self.events_dropped)

    def _close_targets(self) -> None:
        join_s = self.config.webhook.timeout_s + DELIVERY_JOIN_MARGIN_S
        for name, delivery in self._deliveries.items():
            if delivery.is_alive():
                delivery.stop(join_s)
            if delivery.is_alive():
                log.warning("%s delivery thread did not stop in %.1f s; leaving its outbox open", name, join_s)
                continue
            delivery.outbox.close()
        if self.mqtt is not None:
            self.mqtt.close()
        self.sound.stop()

    # --- called from the engine thread -----------------------------------------------------------

    def watch_source(self, stats: SourceStats | None) -> None:
        """Follow this source's counters (overflows, dropped frames, mic lost) for the station status."""
        self._source_stats = stats

    def handle_output(self, output: EngineOutput, submit_events: bool = True) -> None:
        """Count the frames of one engine block and submit its detections; never blocks.

        A caller that saves audio snippets passes submit_events=False and calls submit() with the
        snippet's path once the file is written.
        """
        self.frames_processed += len(output.scores)
        if submit_events:
            for detection in output.events:
                self.submit(detection)

    def submit(self, detection: Detection, snippet: Path | str | None = None, event_id: str | None = None) -> bool:
        """Queue one detection's actions; returns False when the queue was full and it was dropped."""
        self.events += 1
        entry = self.config.actions_for(detection.keyword)
        sound = self.config.sound_for(detection.keyword)
        return self._enqueue(_Job(make_event(detection, self.station, snippet, event_id=event_id), entry.actions, sound))

    def send_test_event(self, keyword: str = TEST_KEYWORD) -> dict[str, Any]:
        """Queue an event with "test": true through every configured target; returns the event."""
        if not self._running:
            raise RuntimeError("actions are not running; call start() before sending a test event")
        event = make_test_event(self.station, keyword)
        actions = tuple(name for name in ("mqtt", "webhook") if name in self.outboxes)
        sound = self.config.sound.file
        self._enqueue(_Job(event, actions + (("sound",) if sound is not None else ()), sound))
        return event

    def _enqueue(self, job: _Job) -> bool:
        if self._stopping.is_set():
            log.warning("actions are stopping; event %s (%s) was not queued", job.event["event_id"], job.event["keyword"])
            return False
        try:
            self._queue.put_nowait(job)
            return True
        except queue.Full:
            self.events_dropped += 1
            if self.events_dropped == 1 or self.events_dropped % 100 == 0:
                log.warning("action queue full (%d): dropped event %s (%s); %d dropped so far",
                            self._queue.maxsize, job.event["event_id"], job.event["keyword"], self.events_dropped)
            return False

    # --- dispatcher thread -----------------------------------------------------------------------

    def _dispatch_loop(self) -> None:
        while True:
            try:
                job = self._queue.get(timeout=POLL_S)
            except queue.Empty:
                if self._stopping.is_set():
                    return
                continue
            for action in job.actions:
                try:
                    self._run_action(action, job)
                except Exception:  # thread boundary: one failed action must not stop the others
                    log.exception("action %s for event %s failed", action, job.event["event_id"])

    def _run_action(self, action: str, job: _Job) -> None:
        if action in self.outboxes:
            self.outboxes[action].append(job.event)
        elif action == "sound" and job.sound is not None:
            self.sound.play(job.sound)
        else:
            log.debug("action %s is not configured; skipped for event %s", action, job.event["event_id"])

    # --- station status --------------------------------------------------------------------------

    def counters(self) -> dict[str, Any]:
        """Return the counters that the heartbeat message carries."""
        stats = self._source_stats
        return {
            "frames_processed": self.frames_processed,
            "events": self.events,
            "events_dropped": self.events_dropped,
            "overflows": stats.overflows if stats else 0,
            "dropped_frames": stats.dropped_frames if stats else 0,
            "mic_lost": bool(stats and stats.mic_lost),
            "outbox_pending": {name: len(box) for name, box in self.outboxes.items()},
            "outbox_dropped": {name: box.dropped for name, box in self.outboxes.items()},
            "sound_failures": self.sound.failures,
        }

    def _drops(self) -> int:
        return self.events_dropped + sum(box.dropped for box in self.outboxes.values())

    def _publish_status(self, status: str) -> None:
        if self.mqtt is not None:
            self.mqtt.set_status(status)

    def _publish_heartbeat(self, data: dict[str, Any]) -> None:
        if self.mqtt is not None:
            self.mqtt.publish_heartbeat(data)

    def snapshot(self) -> ServiceStatus:
        def link(name: str, target) -> LinkStatus | None:
            return None if target is None else target.tracker.status(self.outboxes[name])

        return ServiceStatus(
            self.station, self._running, self._reporter.status if self._running else OFFLINE,
            link("mqtt", self.mqtt), link("webhook", self.webhook), self.frames_processed,
            self.events, self.events_dropped, self.sound.played, self.sound.failures,
        )
