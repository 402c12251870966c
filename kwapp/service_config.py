"""Plant-integration settings (station, MQTT, webhook, sound, outbox, actions per keyword) from TOML.

`kwapp listen --config FILE` and the window read the same file. Unknown keys and wrong types are
rejected with the section, the key and the fix, because a typo in a service that runs for weeks
would otherwise go unnoticed. Relative paths are relative to the config file's folder.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import stat
import tomllib
import types
import typing
import urllib.parse
from pathlib import Path
from typing import Any

from kwapp.config import atomic_write_bytes
from kwapp.messages import message_of, msg
from kwapp.pipeline.events import data_home

log = logging.getLogger(__name__)

ACTIONS = ("mqtt", "webhook", "sound")
MQTT_PORT = 1883
MQTT_TLS_PORT = 8883
TOPIC_WILDCARDS = ("+", "#", "\0")


class ServiceConfigError(ValueError):
    """An invalid or unreadable service config file; the message names the key and the fix."""


@dataclasses.dataclass(frozen=True)
class StationConfig:
    """This station's identity on the plant network and how often it reports."""

    name: str = dataclasses.field(default_factory=socket.gethostname)  # one MQTT topic level
    heartbeat_s: float = 60.0  # interval of the heartbeat message
    degraded_hold_s: float = 10.0  # status stays "degraded" this long after the last overflow or drop


@dataclasses.dataclass(frozen=True)
class TlsConfig:
    """TLS for the broker connection; without ca_file the system's CA certificates are trusted."""

    ca_file: Path | None = None
    cert_file: Path | None = None  # client certificate, for brokers that require one
    key_file: Path | None = None  # private key of cert_file


@dataclasses.dataclass(frozen=True)
class MqttConfig:
    """Broker connection; an empty host turns MQTT off."""

    host: str = ""
    port: int = 0  # 0: 1883, or 8883 with TLS
    topic_prefix: str = "kwapp"  # topics are <topic_prefix>/<station>/{detections,status,heartbeat}
    client_id: str = ""  # empty: kwapp-<station>-<random suffix>
    username: str = ""
    password: str = dataclasses.field(default="", repr=False)
    password_file: Path | None = None  # first line is the password; use instead of password
    keepalive_s: int = 30  # the broker publishes the last will after 1.5x this without traffic
    reconnect_min_s: float = 1.0  # first retry delay after a lost connection, doubled up to reconnect_max_s
    reconnect_max_s: float = 30.0
    tls: TlsConfig | None = None

    @property
    def effective_port(self) -> int:
        if self.port:
            return self.port
        return MQTT_TLS_PORT if self.tls is not None else MQTT_PORT


@dataclasses.dataclass(frozen=True)
class WebhookConfig:
    """HTTP POST of each event; an empty url turns the webhook off."""

    url: str = ""
    timeout_s: float = 5.0  # per request
    retry_initial_s: float = 1.0  # first retry delay, doubled after each failure up to retry_max_s
    retry_max_s: float = 60.0
    ca_file: Path | None = None  # for https with a private CA
    headers: dict[str, str] = dataclasses.field(default_factory=dict, repr=False)  # may carry tokens


@dataclasses.dataclass(frozen=True)
class SoundConfig:
    """Sound played by the "sound" action."""

    file: Path | None = None  # used by keywords that set no sound of their own
    device: str = ""  # output device name or part of it; empty: the system default


@dataclasses.dataclass(frozen=True)
class OutboxConfig:
    """On-disk queues of events waiting for the broker or the webhook."""

    dir: Path = dataclasses.field(default_factory=lambda: data_home() / "outbox")  # beside the window's trigger log
    max_events: int = 10_000  # per target; beyond it the oldest pending event is dropped and counted


@dataclasses.dataclass(frozen=True)
class KeywordActions:
    """Actions fired by the detections of one keyword."""

    actions: tuple[str, ...] = ()
    sound: Path | None = None  # overrides [sound] file for this keyword


@dataclasses.dataclass(frozen=True)
class ActionsConfig:
    """Defaults for keywords without their own [keywords.<label>] table, and the dispatch queue."""

    default: tuple[str, ...] | None = None  # None: every configured network target (mqtt, webhook)
    queue_size: int = 256  # detections waiting for the action thread; when full, new ones are dropped and counted
    flush_timeout_s: float = 10.0  # at shutdown, time allowed to deliver pending events to reachable targets


@dataclasses.dataclass(frozen=True)
class ServiceConfig:
    """Settings of the plant-integration layer. `ServiceConfig()` turns every action off."""

    station: StationConfig = dataclasses.field(default_factory=StationConfig)
    mqtt: MqttConfig = dataclasses.field(default_factory=MqttConfig)
    webhook: WebhookConfig = dataclasses.field(default_factory=WebhookConfig)
    sound: SoundConfig = dataclasses.field(default_factory=SoundConfig)
    outbox: OutboxConfig = dataclasses.field(default_factory=OutboxConfig)
    actions: ActionsConfig = dataclasses.field(default_factory=ActionsConfig)
    keywords: dict[str, KeywordActions] = dataclasses.field(default_factory=dict)

    @property
    def default_actions(self) -> tuple[str, ...]:
        if self.actions.default is not None:
            return self.actions.default
        return tuple(name for name, on in (("mqtt", self.mqtt.host), ("webhook", self.webhook.url)) if on)

    def actions_for(self, keyword: str) -> KeywordActions:
        return self.keywords.get(keyword, KeywordActions(self.default_actions))

    def sound_for(self, keyword: str) -> Path | None:
        return self.actions_for(keyword).sound or self.sound.file

    def unknown_keywords(self, model_keywords: typing.Iterable[str]) -> list[str]:
        """Keywords with a [keywords.<label>] table that the model cannot detect."""
        return sorted(set(self.keywords) - set(model_keywords))


# --- conversion from TOML tables -----------------------------------------------------------------


TYPE_NAMES = {int: msg("an integer"), float: msg("a number"), str: msg("a string"), bool: msg("true or false")}


def _type_name(hint: Any) -> str:
    return TYPE_NAMES.get(hint, getattr(hint, "__name__", str(hint)))


def _convert(value: Any, hint: Any, where: str, base: Path) -> Any:
    """Check one TOML value against a field's type hint and convert it (paths, tuples, tables)."""
    if isinstance(hint, types.UnionType):  # only "X | None" is used
        inner = next(h for h in typing.get_args(hint) if h is not type(None))
        return _convert(value, inner, where, base)
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ServiceConfigError(msg("{where} must be a list of strings, got {value!r}", where=where, value=value))
        return tuple(value)
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ServiceConfigError(msg("{where} must be a table of strings, got {value!r}", where=where, value=value))
        return dict(value)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, where, base)
    if hint is Path:
        if not isinstance(value, str) or not value:
            raise ServiceConfigError(msg("{where} must be a file or folder path as a string, got {value!r}", where=where, value=value))
        return (base / Path(value).expanduser()).resolve()
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ServiceConfigError(msg("{where} must be {type}, got {value!r}", where=where, type=_type_name(hint), value=value))
    return value


def _build(cls: type, table: Any, where: str, base: Path) -> Any:
    """Build a config dataclass from a TOML table, rejecting unknown keys."""
    if not isinstance(table, dict):
        raise ServiceConfigError(msg("[{where}] must be a table, got {table!r}", where=where, table=table))
    hints = typing.get_type_hints(cls)
    unknown = sorted(set(table) - set(hints))
    if unknown:
        raise ServiceConfigError(msg("unknown key(s) {unknown} in [{where}]; expected some of {expected}", unknown=unknown,
                                     where=where, expected=sorted(hints)))
    values = {name: _convert(value, hints[name], f"{where}.{name}", base) for name, value in table.items()}
    return cls(**values)


def _build_keywords(table: Any, base: Path) -> dict[str, KeywordActions]:
    if not isinstance(table, dict):
        raise ServiceConfigError(msg("[keywords] must contain tables such as [keywords.yes], got {table!r}", table=table))
    return {label: _build(KeywordActions, value, f"keywords.{label}", base) for label, value in table.items()}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if getattr(value, f.name) is not None}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return list(value)
    return str(value) if isinstance(value, Path) else value


def config_to_dict(config: ServiceConfig) -> dict[str, Any]:
    """Convert a config to TOML-shaped data that config_from_dict() reads back (paths absolute).

    The result contains the password and webhook headers: store it readable by its owner only.
    """
    return _plain(config)


def config_from_dict(data: dict[str, Any], base: Path = Path(".")) -> ServiceConfig:
    """Build and validate a ServiceConfig from parsed TOML (or JSON of the same shape)."""
    sections = {f.name for f in dataclasses.fields(ServiceConfig)}
    unknown = sorted(set(data) - sections)
    if unknown:
        raise ServiceConfigError(msg("unknown section(s) {unknown}; expected some of {expected}", unknown=unknown,
                                     expected=sorted(sections)))
    values: dict[str, Any] = {}
    for name in sections & set(data):
        if name == "keywords":
            values[name] = _build_keywords(data[name], base)
        else:
            values[name] = _build(typing.get_type_hints(ServiceConfig)[name], data[name], name, base)
    config = ServiceConfig(**values)
    validate(config)
    return config


# --- validation ----------------------------------------------------------------------------------


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ServiceConfigError(message)


def _check_file(path: Path | None, key: str) -> None:
    _require(path is None or path.is_file(), msg("{key} = {path!r} is not an existing file; fix the path", key=key, path=str(path)))


def check_topic_level(value: str, key: str, multi_level: bool = False) -> None:
    """Reject MQTT wildcards, empty topic levels and (unless multi_level) the level separator."""
    _require(bool(value), msg("{key} is empty; set a name such as 'press-3'", key=key))
    _require(not any(c in value for c in TOPIC_WILDCARDS),
             msg("{key} = {value!r} contains an MQTT wildcard (+ or #); remove it", key=key, value=value))
    levels = value.split("/")
    _require(multi_level or len(levels) == 1,
             msg("{key} = {value!r} contains '/'; use one topic level such as 'press-3'", key=key, value=value))
    _require(all(levels), msg("{key} = {value!r} has an empty topic level; remove the extra '/'", key=key, value=value))


def _validate_station(station: StationConfig) -> None:
    check_topic_level(station.name, "station.name")
    _require(station.heartbeat_s > 0, msg("{key} = {value} is invalid; use a positive number of seconds",
                                          key="station.heartbeat_s", value=station.heartbeat_s))
    _require(station.degraded_hold_s >= 0, msg("{key} = {value} is invalid; use 0 or more seconds",
                                               key="station.degraded_hold_s", value=station.degraded_hold_s))


def _validate_mqtt(mqtt: MqttConfig) -> None:
    if not mqtt.host:
        return
    check_topic_level(mqtt.topic_prefix, "mqtt.topic_prefix", multi_level=True)
    _require(0 <= mqtt.port <= 65535, msg("mqtt.port = {port} is invalid; use 1..65535, or 0 for the default", port=mqtt.port))
    _require(mqtt.keepalive_s >= 1, msg("{key} = {value} is invalid; use 1 or more seconds",
                                        key="mqtt.keepalive_s", value=mqtt.keepalive_s))
    _require(0 < mqtt.reconnect_min_s <= mqtt.reconnect_max_s,
             msg("{prefix}.{low} = {low_value} and {high} = {high_value} are invalid; use 0 < {low} <= {high}",
                 prefix="mqtt", low="reconnect_min_s", low_value=mqtt.reconnect_min_s,
                 high="reconnect_max_s", high_value=mqtt.reconnect_max_s))
    _require(not (mqtt.password and mqtt.password_file), msg("mqtt.password and mqtt.password_file are both set; keep one"))
    _require(bool(mqtt.username) or not (mqtt.password or mqtt.password_file),
             msg("mqtt has a password but no username; set mqtt.username"))
    _check_file(mqtt.password_file, "mqtt.password_file")
    if mqtt.tls is not None:
        _check_file(mqtt.tls.ca_file, "mqtt.tls.ca_file")
        _check_file(mqtt.tls.cert_file, "mqtt.tls.cert_file")
        _check_file(mqtt.tls.key_file, "mqtt.tls.key_file")
        _require((mqtt.tls.cert_file is None) == (mqtt.tls.key_file is None),
                 msg("mqtt.tls needs both cert_file and key_file for a client certificate, or neither"))


def _validate_webhook(webhook: WebhookConfig) -> None:
    if not webhook.url:
        return
    parts = urllib.parse.urlsplit(webhook.url)
    _require(parts.scheme in ("http", "https") and bool(parts.hostname),
             msg("webhook.url = {url!r} is invalid; use an http:// or https:// URL with a host", url=redact_url(webhook.url)))
    _require(_url_port(parts) is not None or not _has_port(parts),
             msg("webhook.url = {url!r} has an invalid port; use a number in 1..65535", url=redact_url(webhook.url)))
    _require(webhook.timeout_s > 0, msg("{key} = {value} is invalid; use a positive number of seconds",
                                        key="webhook.timeout_s", value=webhook.timeout_s))
    _require(0 < webhook.retry_initial_s <= webhook.retry_max_s,
             msg("{prefix}.{low} = {low_value} and {high} = {high_value} are invalid; use 0 < {low} <= {high}",
                 prefix="webhook", low="retry_initial_s", low_value=webhook.retry_initial_s,
                 high="retry_max_s", high_value=webhook.retry_max_s))
    _check_file(webhook.ca_file, "webhook.ca_file")


def _has_port(parts: urllib.parse.SplitResult) -> bool:
    return ":" in parts.netloc.rsplit("@", 1)[-1].rsplit("]", 1)[-1]


def _validate_actions(config: ServiceConfig) -> None:
    actions = config.actions
    _require(actions.queue_size >= 1, msg("{key} = {value} is invalid; use 1 or more",
                                          key="actions.queue_size", value=actions.queue_size))
    _require(actions.flush_timeout_s >= 0, msg("{key} = {value} is invalid; use 0 or more seconds",
                                               key="actions.flush_timeout_s", value=actions.flush_timeout_s))
    _require(config.outbox.max_events >= 1, msg("{key} = {value} is invalid; use 1 or more",
                                                key="outbox.max_events", value=config.outbox.max_events))
    _check_file(config.sound.file, "sound.file")
    tables = {"actions.default": KeywordActions(config.default_actions), **{f"keywords.{k}": v for k, v in config.keywords.items()}}
    for where, entry in tables.items():
        _check_file(entry.sound, f"{where}.sound")
        for action in entry.actions:
            _require(action in ACTIONS, msg("{where}.actions contains {action!r}; use some of {actions}",
                                            where=where, action=action, actions=list(ACTIONS)))
        if "mqtt" in entry.actions:
            _require(bool(config.mqtt.host),
                     msg("{where} uses the 'mqtt' action but [mqtt] host is not set; set it or remove the action", where=where))
        if "webhook" in entry.actions:
            _require(bool(config.webhook.url),
                     msg("{where} uses the 'webhook' action but [webhook] url is not set; set it or remove the action", where=where))
        if "sound" in entry.actions:
            _require(entry.sound is not None or config.sound.file is not None,
                     msg("{where} uses the 'sound' action but sets no sound file; set {where}.sound or [sound] file", where=where))


def validate(config: ServiceConfig) -> None:
    """Raise ServiceConfigError naming the first invalid value and its fix."""
    _validate_station(config.station)
    _validate_mqtt(config.mqtt)
    _validate_webhook(config.webhook)
    _validate_actions(config)


# --- files and secrets ---------------------------------------------------------------------------


def redact_url(url: str) -> str:
    """Strip the user info, query and fragment (they may carry secrets) so that the URL can be logged."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{_url_port(parts)}" if _url_port(parts) else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _url_port(parts: urllib.parse.SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:  # not a number or out of range
        return None


def warn_if_readable_by_others(path: Path, what: str) -> bool:
    """Log a warning when a file holding a secret is readable by group or others (POSIX modes only)."""
    if os.name != "posix":
        return False  # NOTE: Windows ACLs are not checked, so a config file readable by others gets no warning there
    mode = path.stat().st_mode
    if not mode & (stat.S_IRGRP | stat.S_IROTH):
        return False
    log.warning("%s %s is readable by group or others (mode %04o); restrict it with: chmod 600 %s",
                what, path, stat.S_IMODE(mode), path)
    return True


def read_password(mqtt: MqttConfig) -> str:
    """Read the broker password from mqtt.password or from the first line of mqtt.password_file."""
    if mqtt.password_file is None:
        return mqtt.password
    warn_if_readable_by_others(mqtt.password_file, "MQTT password file")
    try:
        lines = mqtt.password_file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ServiceConfigError(msg("cannot read mqtt.password_file {path}: {error}; fix its path or permissions",
                                     path=mqtt.password_file, error=exc.strerror)) from exc
    return lines[0] if lines else ""


def load_service_config(path: Path | str) -> ServiceConfig:
    """Read and validate a TOML service config, and warn when it contains a secret that others can read."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ServiceConfigError(msg("config file {path} not found; copy examples/kwapp.toml and edit it", path=path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceConfigError(msg("cannot read config file {path}: {error}; check its permissions and encoding (UTF-8)",
                                     path=path, error=str(exc))) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ServiceConfigError(msg("config file {path} is not valid TOML: {error}", path=path, error=str(exc))) from exc
    try:
        config = config_from_dict(data, base=path.resolve().parent)
    except ServiceConfigError as exc:
        raise ServiceConfigError(msg("config file {path}: {error}", path=path, error=message_of(exc))) from exc
    if config.mqtt.password or config.webhook.headers:
        warn_if_readable_by_others(path, "config file with a password or webhook headers")
    return config


def save_service_config(config: ServiceConfig, path: Path | str) -> None:
    """Write a config as TOML that load_service_config() reads back, atomically and readable by its owner only
    (it may hold the MQTT password or webhook headers)."""
    import tomli_w  # only the window writes config files

    data = config_to_dict(config)
    text = "# kwapp service config, written by the window's plant-integration page. See docs/service.md.\n"
    atomic_write_bytes(Path(path), (text + tomli_w.dumps(data)).encode("utf-8"), mode=0o600)
    log.info("service config written to %s", path)
