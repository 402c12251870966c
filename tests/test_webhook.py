"""Webhook action against a local http.server: JSON POST, retries with backoff, rejection, outage."""

from __future__ import annotations

import http.server
import json
import logging
import threading

import pytest

from kwapp.actions.service import ActionService
from kwapp.detect.detector import Detection
from test_mqtt_support import free_port, service_config, wait_until


class Receiver(http.server.ThreadingHTTPServer):
    """Records each POST and responds with the next scripted status (200 once the script is used up)."""

    def __init__(self, port: int = 0, statuses: tuple[int, ...] = ()):
        super().__init__(("127.0.0.1", port), ReceiverHandler)
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/kwapp?token=s3cret-query"

    def bodies(self) -> list[dict]:
        with self.lock:
            return [r["body"] for r in self.requests]

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        with self.server.lock:
            self.server.requests.append({"body": body, "headers": dict(self.headers), "path": self.path})
            status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args) -> None:
        pass  # keep test output quiet


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def webhook_service(tmp_path, url: str, **webhook) -> ActionService:
    table = {"url": url, "retry_initial_s": 0.05, "retry_max_s": 0.2, "timeout_s": 2.0, **webhook}
    config = service_config(tmp_path, None, webhook=table, actions={"default": ["webhook"], "flush_timeout_s": 2.0})
    service = ActionService(config)
    service.start()
    return service


def test_webhook_posts_event(tmp_path, receiver):
    service = webhook_service(tmp_path, receiver.url, headers={"Authorization": "Bearer t0ken"})
    try:
        service.submit(Detection("yes", 0.88, 3.2, 320, 0.7))
        assert wait_until(lambda: len(receiver.bodies()) == 1)
        assert wait_until(lambda: service.snapshot().webhook.delivered == 1)
    finally:
        service.stop()
    request = receiver.requests[0]
    assert request["body"]["keyword"] == "yes"
    assert request["body"]["stream_t"] == 3.2
    assert request["body"]["station"] == "press-1"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["headers"]["Authorization"] == "Bearer t0ken"
    assert request["path"] == "/hooks/kwapp?token=s3cret-query"


def test_webhook_retries_500(tmp_path):
    receiver = Receiver(statuses=(500, 503))
    service = webhook_service(tmp_path, receiver.url)
    try:
        service.submit(Detection("yes", 0.9, 1.0, 100, 0.7))
        assert wait_until(lambda: service.snapshot().webhook.delivered == 1)
    finally:
        service.stop()
        receiver.close()
    bodies = receiver.bodies()
    assert len(bodies) == 3
    assert len({b["event_id"] for b in bodies}) == 1


def test_webhook_rejected_payload_skipped(tmp_path):
    receiver = Receiver(statuses=(400,))
    service = webhook_service(tmp_path, receiver.url)
    try:
        service.submit(Detection("yes", 0.9, 1.0, 100, 0.7))
        service.submit(Detection("yes", 0.9, 2.0, 200, 0.7))
        assert wait_until(lambda: service.snapshot().webhook.delivered == 1)
    finally:
        service.stop()
        receiver.close()
    assert [b["stream_t"] for b in receiver.bodies()] == [1.0, 2.0]
    assert service.snapshot().webhook.rejected == 1


def test_webhook_outage_keeps_order(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    port = free_port()
    service = webhook_service(tmp_path, f"http://127.0.0.1:{port}/hook?token=s3cret-query")
    receiver = None
    try:
        for i in range(4):
            service.submit(Detection("yes", 0.9, float(i), i, 0.7))
        assert wait_until(lambda: service.snapshot().webhook.state == "down")
        receiver = Receiver(port)
        assert wait_until(lambda: len(receiver.bodies()) == 4)
        assert wait_until(lambda: service.snapshot().webhook.state == "up")
    finally:
        service.stop()
        if receiver is not None:
            receiver.close()
    assert [b["stream_t"] for b in receiver.bodies()] == [0.0, 1.0, 2.0, 3.0]
    assert "reachable again" in caplog.text
    assert "s3cret-query" not in caplog.text
