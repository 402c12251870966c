"""No event lost when the broker goes away: the outbox keeps events until the broker is back."""

from __future__ import annotations

import pytest

from kwapp.actions.service import ActionService
from kwapp.detect.detector import Detection
from kwapp.pipeline.outbox import Outbox
from test_mqtt_support import Broker, Recorder, service_config, wait_until


@pytest.fixture
def broker(tmp_path):
    broker = Broker(tmp_path / "broker", persistent=True)  # the recorder's session survives the restart
    yield broker
    broker.stop()


def submit(service: ActionService, first: int, count: int) -> None:
    """Submit detections whose stream_t numbers them: first, first + 1, ..."""
    for i in range(first, first + count):
        service.submit(Detection("yes", 0.9, float(i), i, 0.7))


def first_arrivals(recorder: Recorder) -> list[dict]:
    """Received events with duplicates removed by event_id, as a receiver should."""
    seen, unique = set(), []
    for event in recorder.json_on("detections"):
        if event["event_id"] not in seen:
            seen.add(event["event_id"])
            unique.append(event)
    return unique


def test_broker_restart_mid_run(tmp_path, broker):
    broker.start()
    recorder = Recorder(broker.port, "kwapp/press-1/#", client_id="restart-recorder", persistent_session=True)
    service = ActionService(service_config(tmp_path, broker.port))
    service.start()
    try:
        submit(service, 0, 3)
        assert recorder.wait_for(lambda r: len(first_arrivals(r)) == 3)
        broker.stop()
        assert wait_until(lambda: service.snapshot().mqtt.state == "down")
        submit(service, 3, 5)
        assert wait_until(lambda: service.snapshot().mqtt.pending == 5)
        broker.start()
        assert recorder.wait_for(lambda r: len(first_arrivals(r)) == 8)
        assert wait_until(lambda: service.snapshot().mqtt.pending == 0)
    finally:
        service.stop()
        recorder.close()
    received = recorder.json_on("detections")
    unique = first_arrivals(recorder)
    assert [e["stream_t"] for e in unique] == [float(i) for i in range(8)]
    for event in received:  # a duplicate is the same event, id included
        assert event in unique


def test_outbox_survives_process_restart(tmp_path, broker):
    """Events queued while no broker runs are sent, in order, by the next service on the same outbox."""
    config = service_config(tmp_path, broker.port, actions={"flush_timeout_s": 0.5})
    first = ActionService(config)
    first.start()
    submit(first, 0, 4)
    assert wait_until(lambda: first.snapshot().mqtt.pending == 4)
    first.stop()
    broker.start()
    recorder = Recorder(broker.port, "kwapp/press-1/#")
    second = ActionService(config)
    second.start()
    try:
        assert recorder.wait_for(lambda r: len(r.on("detections")) == 4)
        assert wait_until(lambda: second.snapshot().mqtt.pending == 0)
    finally:
        second.stop()
        recorder.close()
    assert [e["stream_t"] for e in recorder.json_on("detections")] == [0.0, 1.0, 2.0, 3.0]


def test_outbox_limit_drops_oldest(tmp_path, broker):
    config = service_config(tmp_path, broker.port, outbox={"max_events": 3}, actions={"flush_timeout_s": 0.0})
    service = ActionService(config)
    service.start()
    submit(service, 0, 5)
    assert wait_until(lambda: service.snapshot().mqtt.dropped == 2)
    service.stop()
    outbox = Outbox(tmp_path / "outbox" / "mqtt.jsonl")
    try:
        assert [e["stream_t"] for e in outbox.pending()] == [2.0, 3.0, 4.0]
    finally:
        outbox.close()
