"""Helpers for the MQTT tests: a private mosquitto broker on a free loopback port and a recording subscriber.

The broker listens on 127.0.0.1 only, allows anonymous clients unless extra_lines set allow_anonymous, and is
stopped by its PID in the fixture's finalizer. The test at the end checks the helpers themselves.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable

import paho.mqtt.client as paho
import pytest

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
WAIT_S = 15.0  # upper bound for anything a test waits for; a pass never takes this long


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], bool], timeout_s: float = WAIT_S) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


class Broker:
    """One mosquitto process with a generated config; restartable on the same port."""

    def __init__(self, folder: Path, persistent: bool = False, extra_lines: tuple[str, ...] = ()):
        if not Path(MOSQUITTO).exists():
            pytest.skip("mosquitto is not installed; install the Debian package 'mosquitto'")
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.persistent = persistent
        self.extra_lines = extra_lines
        self.process: subprocess.Popen | None = None

    def config_text(self) -> str:
        lines = [f"listener {self.port} 127.0.0.1"]
        if not any(line.startswith("allow_anonymous") for line in self.extra_lines):
            lines.append("allow_anonymous true")
        if self.persistent:
            # Keeps a subscriber's session and its queued QoS 1 messages across a broker restart.
            lines += ["persistence true", f"persistence_location {self.folder}/", "autosave_interval 0"]
        else:
            lines.append("persistence false")
        if os.geteuid() == 0:
            lines.append("user root")  # as root, mosquitto would switch to user mosquitto and lose the test files
        lines += ["log_dest stderr", "log_type error", "log_type warning", "log_type notice", *self.extra_lines]
        return "\n".join(lines) + "\n"

    def start(self) -> "Broker":
        config = self.folder / "mosquitto.conf"
        config.write_text(self.config_text())
        log = open(self.folder / "mosquitto.log", "ab")
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(config)], stdout=log, stderr=log)
        log.close()
        if not wait_until(self._accepting):
            self.stop()
            raise RuntimeError(f"mosquitto did not start: {(self.folder / 'mosquitto.log').read_text()}")
        return self

    def _accepting(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"mosquitto exited: {(self.folder / 'mosquitto.log').read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # SIGTERM to this PID: mosquitto saves its persistence file and exits
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


class Recorder:
    """A paho subscriber that keeps every message; it reconnects by itself after a broker restart."""

    def __init__(self, port: int, topic: str, client_id: str = "", persistent_session: bool = False,
                 credentials: tuple[str, str] | None = None, **tls):
        self.messages: list[paho.MQTTMessage] = []
        self._changed = threading.Condition()
        self._subscribed = threading.Event()
        self.topic = topic
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id,
                                  clean_session=not persistent_session)
        if credentials:
            self.client.username_pw_set(*credentials)
        if tls:
            self.client.tls_set(**tls)
        self.client.reconnect_delay_set(1, 1)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda *args: self._subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port, keepalive=10)
        self.client.loop_start()
        assert self._subscribed.wait(WAIT_S), f"subscription to {topic} not acknowledged"

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        client.subscribe(self.topic, qos=1)

    def _on_message(self, client, userdata, message) -> None:
        with self._changed:
            self.messages.append(message)
            self._changed.notify_all()

    def on(self, suffix: str) -> list[bytes]:
        """Payloads received on topics ending in /suffix, in arrival order."""
        with self._changed:
            return [m.payload for m in self.messages if m.topic.endswith("/" + suffix)]

    def json_on(self, suffix: str) -> list[dict]:
        return [json.loads(payload) for payload in self.on(suffix)]

    def wait_for(self, condition: Callable[["Recorder"], bool], timeout_s: float = WAIT_S) -> bool:
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while not condition(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.1))
            return True

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def persistent_broker(tmp_path):
    broker = Broker(tmp_path / "broker", persistent=True).start()
    yield broker
    broker.stop()


def test_broker_restart_keeps_queued(persistent_broker):
    """The restart tests rely on this: a persistent session gets QoS 1 messages sent while it was away."""
    recorder = Recorder(persistent_broker.port, "t/#", client_id="kwapp-test-recorder", persistent_session=True)
    persistent_broker.stop()
    persistent_broker.start()
    sender = paho.Client(paho.CallbackAPIVersion.VERSION2)
    sender.connect("127.0.0.1", persistent_broker.port)
    sender.loop_start()
    sender.publish("t/x", b"after restart", qos=1).wait_for_publish(WAIT_S)
    sender.disconnect()
    sender.loop_stop()
    try:
        assert recorder.wait_for(lambda r: r.on("x") == [b"after restart"])
    finally:
        recorder.close()


def service_config(tmp_path: Path, port: int | None, **sections):
    """A ServiceConfig through the real TOML-shaped parser: station 'press-1', MQTT on the test broker."""
    from kwapp.service_config import config_from_dict

    data = {
        "station": {"name": "press-1", "heartbeat_s": 60.0},
        "outbox": {"dir": str(tmp_path / "outbox")},
        "actions": {"default": ["mqtt"] if port else [], "flush_timeout_s": 5.0},
    }
    if port:
        data["mqtt"] = {"host": "127.0.0.1", "port": port, "reconnect_min_s": 1.0, "reconnect_max_s": 1.0, "keepalive_s": 5}
    for name, table in sections.items():
        data[name] = {**data.get(name, {}), **table}
    return config_from_dict(data)


@pytest.fixture
def broker(tmp_path):
    """A mosquitto on a free loopback port, stopped after the test."""
    broker = Broker(tmp_path / "broker").start()
    yield broker
    broker.stop()


@pytest.fixture
def recorder(broker):
    """A subscriber to everything station press-1 publishes."""
    recorder = Recorder(broker.port, "kwapp/press-1/#")
    yield recorder
    recorder.close()
