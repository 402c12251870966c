"""ActionService with a real mosquitto broker: detection events, retained status, heartbeat, test event."""

from __future__ import annotations

import datetime
import re

import numpy as np
import pytest

from kwapp.actions.service import ActionService
from kwapp.audio.source import SourceStats
from kwapp.detect.detector import Detection
from kwapp.pipeline.engine import EngineOutput
from test_mqtt_support import Broker, Recorder, service_config, wait_until

EVENT_FIELDS = {"event_id", "station", "keyword", "score", "threshold", "time", "stream_t", "snippet", "test"}


@pytest.fixture
def broker(tmp_path):
    broker = Broker(tmp_path / "broker").start()
    yield broker
    broker.stop()


@pytest.fixture
def recorder(broker):
    recorder = Recorder(broker.port, "kwapp/press-1/#")
    yield recorder
    recorder.close()


def start_service(config) -> ActionService:
    service = ActionService(config)
    service.start()
    return service


def engine_output(n_frames: int, events: list[Detection]) -> EngineOutput:
    scores = np.zeros((n_frames, 2), dtype=np.float32)
    return EngineOutput(0, np.zeros((n_frames, 40), dtype=np.float32), scores, events, -60.0, 0.1, 0)


def test_detection_event_fields(tmp_path, broker, recorder):
    service = start_service(service_config(tmp_path, broker.port))
    try:
        service.submit(Detection("yes", 0.91234, 12.3456, 1234, 0.7), snippet=tmp_path / "snip.wav")
        assert recorder.wait_for(lambda r: len(r.on("detections")) == 1)
    finally:
        service.stop()
    event = recorder.json_on("detections")[0]
    assert set(event) == EVENT_FIELDS
    assert re.fullmatch(r"[0-9a-f]{32}", event["event_id"])
    assert event["station"] == "press-1"
    assert event["keyword"] == "yes"
    assert event["score"] == 0.9123
    assert event["threshold"] == 0.7
    assert event["stream_t"] == 12.346
    assert event["snippet"] == str(tmp_path / "snip.wav")
    assert event["test"] is False
    assert datetime.datetime.fromisoformat(event["time"]).utcoffset() is not None


def test_events_in_submit_order(tmp_path, broker, recorder):
    service = start_service(service_config(tmp_path, broker.port))
    try:
        for i in range(20):
            service.submit(Detection("yes", 0.9, float(i), i * 100, 0.7))
        assert recorder.wait_for(lambda r: len(r.on("detections")) == 20)
    finally:
        service.stop()
    assert [e["stream_t"] for e in recorder.json_on("detections")] == [float(i) for i in range(20)]


def test_keyword_without_mqtt_action(tmp_path, broker, recorder):
    config = service_config(tmp_path, broker.port, keywords={"no": {"actions": []}})
    service = start_service(config)
    try:
        service.submit(Detection("no", 0.9, 1.0, 100, 0.7))
        service.submit(Detection("yes", 0.9, 2.0, 200, 0.7))
        assert recorder.wait_for(lambda r: len(r.on("detections")) == 1)
    finally:
        service.stop()
    assert [e["keyword"] for e in recorder.json_on("detections")] == ["yes"]


def test_status_online_then_offline(tmp_path, broker, recorder):
    service = start_service(service_config(tmp_path, broker.port))
    assert recorder.wait_for(lambda r: r.on("status") == [b"online"])
    service.stop()
    assert recorder.wait_for(lambda r: r.on("status") == [b"online", b"offline"])
    late = Recorder(broker.port, "kwapp/press-1/status")  # a retained message reaches later subscribers
    try:
        assert late.wait_for(lambda r: r.on("status") == [b"offline"])
    finally:
        late.close()


def test_status_degraded_and_mic_lost(tmp_path, broker, recorder):
    config = service_config(tmp_path, broker.port, station={"heartbeat_s": 0.1, "degraded_hold_s": 0.5})
    service = start_service(config)
    stats = SourceStats(name="test input")
    service.watch_source(stats)
    try:
        assert recorder.wait_for(lambda r: r.on("status") == [b"online"])
        stats.overflows += 1
        assert recorder.wait_for(lambda r: r.on("status")[-1:] == [b"degraded"])
        assert recorder.wait_for(lambda r: r.on("status")[-1:] == [b"online"])
        stats.mic_lost = True
        assert recorder.wait_for(lambda r: r.on("status")[-1:] == [b"mic_lost"])
        assert service.snapshot().station_status == "mic_lost"
    finally:
        service.stop()


def test_heartbeat_counters(tmp_path, broker, recorder):
    service = start_service(service_config(tmp_path, broker.port, station={"heartbeat_s": 0.1}))
    service.watch_source(SourceStats(name="test input", overflows=3, dropped_frames=7))
    try:
        service.handle_output(engine_output(50, [Detection("yes", 0.9, 0.4, 40, 0.7)]))
        service.handle_output(engine_output(25, []))
        assert recorder.wait_for(lambda r: any(h["frames_processed"] == 75 for h in r.json_on("heartbeat")))
    finally:
        service.stop()
    beat = [h for h in recorder.json_on("heartbeat") if h["frames_processed"] == 75][-1]
    assert beat["station"] == "press-1"
    assert beat["events"] == 1
    assert beat["overflows"] == 3
    assert beat["dropped_frames"] == 7
    assert beat["events_dropped"] == 0
    assert beat["status"] == "degraded"  # the source reports overflows


def test_handle_output_without_events(tmp_path):
    service = ActionService(service_config(tmp_path, None))
    service.handle_output(engine_output(30, [Detection("yes", 0.9, 0.2, 20, 0.7)]), submit_events=False)
    service.stop()
    assert service.snapshot().frames_processed == 30
    assert service.snapshot().events == 0


def test_send_test_event(tmp_path, broker, recorder):
    service = start_service(service_config(tmp_path, broker.port))
    try:
        sent = service.send_test_event()
        assert recorder.wait_for(lambda r: len(r.on("detections")) == 1)
        assert wait_until(lambda: service.snapshot().mqtt.delivered == 1)
    finally:
        service.stop()
    received = recorder.json_on("detections")[0]
    assert received["event_id"] == sent["event_id"]
    assert received["test"] is True


def test_snapshot_link_up(tmp_path, broker):
    service = start_service(service_config(tmp_path, broker.port))
    try:
        assert wait_until(lambda: service.snapshot().mqtt.state == "up")
        assert service.snapshot().webhook is None
    finally:
        service.stop()
    assert service.snapshot().mqtt.state == "stopped"


def test_dispatch_queue_full_drops_newest(tmp_path):
    service = ActionService(service_config(tmp_path, None, actions={"queue_size": 2}))  # not started: nothing drains
    accepted = [service.submit(Detection("yes", 0.9, float(i), i, 0.7)) for i in range(3)]
    service.stop()
    assert accepted == [True, True, False]
    assert service.snapshot().events_dropped == 1


def test_test_event_needs_start(tmp_path):
    service = ActionService(service_config(tmp_path, None))
    with pytest.raises(RuntimeError, match="call start"):
        service.send_test_event()
    service.stop()
