"""The station's MQTT connection (paho-mqtt 2.x): detections, retained status, heartbeat, last will.

Topics, under <prefix>/<station>/:
  detections  one JSON event per detection, QoS 1, not retained
  status      "online", "degraded", "mic_lost" or "offline", QoS 1, retained; the broker
              publishes "offline" itself (last will) when the connection dies without a DISCONNECT
  heartbeat   JSON counters every [station] heartbeat_s, QoS 0, not retained
paho reconnects by itself with a delay doubling from reconnect_min_s to reconnect_max_s, and
resends a QoS 1 message whose PUBACK was missing when the connection dropped.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import logging
import ssl
import threading
import time
import uuid
from typing import Any

import paho.mqtt.client as paho

from kwapp.actions.delivery import DOWN, POLL_S, STOPPED, UP, LinkTracker
from kwapp.messages import msg
from kwapp.pipeline.station import OFFLINE, ONLINE
from kwapp.service_config import MqttConfig, ServiceConfigError, read_password

log = logging.getLogger(__name__)

EVENT_QOS = 1
STATUS_QOS = 1
HEARTBEAT_QOS = 0
ACKED_MIDS_KEPT = 1024  # PUBACK ids remembered for the delivery thread; ids repeat only after 65535 publishes
CLOSE_TIMEOUT_S = 2.0  # wait for the broker to acknowledge "offline" at shutdown


@dataclasses.dataclass(frozen=True)
class Topics:
    detections: str
    status: str
    heartbeat: str

    @classmethod
    def of(cls, prefix: str, station: str) -> "Topics":
        base = f"{prefix}/{station}"
        return cls(f"{base}/detections", f"{base}/status", f"{base}/heartbeat")


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _path_or_none(path) -> str | None:
    return None if path is None else str(path)


def build_client(cfg: MqttConfig, station: str, topics: Topics) -> paho.Client:
    """A configured, not yet connected client: credentials, TLS, last will and reconnect delays."""
    client_id = cfg.client_id or f"kwapp-{station}-{uuid.uuid4().hex[:8]}"
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv311, clean_session=True)
    if cfg.username:
        client.username_pw_set(cfg.username, read_password(cfg) or None)
    if cfg.tls is not None:
        tls = cfg.tls
        try:
            client.tls_set(ca_certs=_path_or_none(tls.ca_file), certfile=_path_or_none(tls.cert_file),
                           keyfile=_path_or_none(tls.key_file))
        except (ssl.SSLError, OSError) as exc:
            raise ServiceConfigError(msg("cannot load the TLS files of [mqtt.tls]: {error}; check ca_file, cert_file and key_file",
                                         error=str(exc))) from exc
    client.will_set(topics.status, OFFLINE, qos=STATUS_QOS, retain=True)
    client.reconnect_delay_set(min_delay=cfg.reconnect_min_s, max_delay=cfg.reconnect_max_s)  # type: ignore[arg-type]
    return client


class MqttLink:
    """One broker connection for one station; a Target for the detections outbox."""

    def __init__(self, cfg: MqttConfig, station: str):
        self.cfg = cfg
        self.address = f"{cfg.host}:{cfg.effective_port}" + (" (TLS)" if cfg.tls is not None else "")
        self.topics = Topics.of(cfg.topic_prefix, station)
        self.tracker = LinkTracker("mqtt")
        self._client = build_client(cfg, station, topics=self.topics)
        self._client.on_connect = self._on_connect
        self._client.on_connect_fail = self._on_connect_fail
        self._client.on_disconnect = self._on_disconnect
        self._client.on_publish = self._on_publish
        self._connected = threading.Event()
        self._acked: collections.OrderedDict[int, None] = collections.OrderedDict()
        self._acked_changed = threading.Condition()
        self._status = ONLINE
        self._ever_connected = False
        self._closing = False
        self._rejected = False  # the last CONNECT got a failure CONNACK
        self._started = False

    # --- paho callbacks (network thread) ---------------------------------------------------------

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        self._rejected = reason_code.is_failure
        if reason_code.is_failure:
            if self.tracker.set(DOWN, f"broker rejected the connection: {reason_code}"):
                log.error("MQTT broker %s rejected the connection (%s); check [mqtt] username, password and client_id",
                          self.address, reason_code)
            return
        down_s = time.time() - self.tracker.since
        self.tracker.set(UP, self.address)
        if self._ever_connected:
            log.info("MQTT reconnected to broker %s after %.1f s", self.address, down_s)
        else:
            log.info("MQTT connected to broker %s", self.address)
        self._ever_connected = True
        # The broker may have published the last will while the connection was down.
        client.publish(self.topics.status, self._status, qos=STATUS_QOS, retain=True)
        self._connected.set()

    def _on_connect_fail(self, client, userdata) -> None:
        if self.tracker.set(DOWN, "cannot reach the broker"):
            log.warning("MQTT broker %s cannot be reached; retrying, events wait in the outbox", self.address)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        was_connected = self._connected.is_set()
        self._connected.clear()
        if self._closing or self._rejected:  # _on_connect has reported the rejection already
            return
        if not was_connected:
            if self.tracker.set(DOWN, f"connection closed during setup: {reason_code}"):
                log.warning("MQTT broker %s closed the connection before accepting it (%s); check [mqtt] port and "
                            "the [mqtt.tls] settings (a broker may require a client certificate)", self.address, reason_code)
            return
        if self.tracker.set(DOWN, f"connection lost: {reason_code}"):
            log.warning("MQTT connection to broker %s lost (%s); reconnecting, events wait in the outbox",
                        self.address, reason_code)

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        with self._acked_changed:
            self._acked[mid] = None
            while len(self._acked) > ACKED_MIDS_KEPT:
                self._acked.popitem(last=False)
            self._acked_changed.notify_all()

    # --- used by other threads -------------------------------------------------------------------

    def start(self) -> None:
        log.info("MQTT: connecting to broker %s, topics under %s", self.address, self.topics.status.rsplit("/", 1)[0])
        self._client.connect_async(self.cfg.host, self.cfg.effective_port, keepalive=self.cfg.keepalive_s)
        self._client.loop_start()
        self._started = True

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def _wait_acked(self, mid: int, stop: threading.Event | None, timeout_s: float | None = None) -> bool:
        waited = 0.0
        with self._acked_changed:
            while mid not in self._acked:
                if (stop is not None and stop.is_set()) or (timeout_s is not None and waited >= timeout_s):
                    return False
                self._acked_changed.wait(POLL_S)
                waited += POLL_S
            del self._acked[mid]
            return True

    def deliver(self, event: dict[str, Any], stop: threading.Event) -> str | None:
        """Publish one event with QoS 1 once connected and wait for its PUBACK (paho resends after a reconnect)."""
        while not self._connected.wait(POLL_S):
            if stop.is_set():
                return None
        info = self._client.publish(self.topics.detections, encode(event), qos=EVENT_QOS)
        if not self._wait_acked(info.mid, stop):
            return None
        log.debug("MQTT delivered event %s (%s)", event["event_id"], event["keyword"])
        return "delivered"

    def set_status(self, status: str) -> None:
        """Publish the retained station status now if connected, and again after each reconnect."""
        self._status = status
        if self._connected.is_set():
            self._client.publish(self.topics.status, status, qos=STATUS_QOS, retain=True)

    def publish_heartbeat(self, data: dict[str, Any]) -> None:
        if self._connected.is_set():
            self._client.publish(self.topics.heartbeat, encode(data), qos=HEARTBEAT_QOS)

    def close(self) -> None:
        """Publish "offline" (retained), then DISCONNECT cleanly so the broker discards the last will."""
        if not self._started:
            return
        self._started = False
        if self._connected.is_set():
            info = self._client.publish(self.topics.status, OFFLINE, qos=STATUS_QOS, retain=True)
            if not self._wait_acked(info.mid, None, CLOSE_TIMEOUT_S):
                log.warning("MQTT broker %s did not acknowledge the offline status in %.0f s", self.address, CLOSE_TIMEOUT_S)
        self._closing = True
        self._client.disconnect()
        self._client.loop_stop()
        self.tracker.set(STOPPED, "")
        log.info("MQTT disconnected from broker %s", self.address)
