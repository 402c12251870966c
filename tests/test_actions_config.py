"""Service config: TOML parsing, defaults, paths relative to the file, and errors that name the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kwapp.service_config import ServiceConfigError, config_from_dict, config_to_dict, load_service_config, redact_url

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "kwapp.toml"
CHIME = ROOT / "examples" / "chime.wav"


def load(tmp_path, text: str):
    path = tmp_path / "kwapp.toml"
    path.write_text(text)
    path.chmod(0o600)
    return load_service_config(path)


def test_config_empty_file_defaults(tmp_path):
    config = load(tmp_path, "")
    assert config.mqtt.host == ""
    assert config.webhook.url == ""
    assert config.default_actions == ()
    assert config.outbox.max_events == 10_000


def test_config_example_loads(tmp_path):
    folder = tmp_path / "etc"
    shutil.copytree(EXAMPLE.parent, folder)
    config = load_service_config(folder / "kwapp.toml")
    assert config.station.name == "press-3"
    assert config.mqtt.effective_port == 1883
    assert config.actions_for("stop").actions == ("mqtt", "webhook", "sound")


def test_config_actions_per_keyword(tmp_path):
    shutil.copy(CHIME, tmp_path / "chime.wav")
    config = load(tmp_path, """
[mqtt]
host = "127.0.0.1"
[sound]
file = "chime.wav"
[actions]
default = ["mqtt"]
[keywords.stop]
actions = ["mqtt", "sound"]
""")
    assert config.actions_for("stop").actions == ("mqtt", "sound")
    assert config.actions_for("yes").actions == ("mqtt",)
    assert config.sound_for("stop") == (tmp_path / "chime.wav").resolve()


def test_config_default_actions_follow_targets(tmp_path):
    config = load(tmp_path, '[mqtt]\nhost = "broker"\n[webhook]\nurl = "http://mes/hook"\n')
    assert config.actions_for("yes").actions == ("mqtt", "webhook")


def test_config_tls_default_port(tmp_path):
    config = load(tmp_path, '[mqtt]\nhost = "broker"\n[mqtt.tls]\n')
    assert config.mqtt.effective_port == 8883


def test_config_int_accepted_as_float(tmp_path):
    config = load(tmp_path, "[station]\nheartbeat_s = 30\n")
    assert config.station.heartbeat_s == 30.0


@pytest.mark.parametrize("text, fragment", [
    ('[mqtt]\nhots = "x"\n', "unknown key(s) ['hots'] in [mqtt]"),
    ('[mqt]\nhost = "x"\n', "unknown section(s) ['mqt']"),
    ('[mqtt]\nhost = "x"\nport = "1883"\n', "mqtt.port must be an integer"),
    ('[mqtt]\nhost = "x"\nport = 70000\n', "mqtt.port = 70000 is invalid"),
    ('[station]\nname = "line/3"\n', "contains '/'"),
    ('[station]\nname = "line+"\n', "MQTT wildcard"),
    ('[station]\nheartbeat_s = 0\n', "station.heartbeat_s = 0"),
    ('[actions]\ndefault = ["email"]\n', "actions.default.actions contains 'email'"),
    ('[actions]\ndefault = ["mqtt"]\n', "[mqtt] host is not set"),
    ('[actions]\ndefault = ["webhook"]\n', "[webhook] url is not set"),
    ('[actions]\ndefault = ["sound"]\n', "sets no sound file"),
    ('[actions]\ndefault = []\n[keywords.yes]\nactions = ["webhook"]\n', "keywords.yes uses the 'webhook' action"),
    ('[webhook]\nurl = "ftp://host/x"\n', "webhook.url = 'ftp://host/x' is invalid"),
    ('[webhook]\nurl = "http://host:80a/x"\n', "has an invalid port"),
    ('[mqtt]\nhost = "x"\npassword = "p"\n', "no username"),
    ('[mqtt]\nhost = "x"\n[mqtt.tls]\ncert_file = "missing.pem"\n', "mqtt.tls.cert_file"),
    ('[sound]\nfile = "missing.wav"\n', "is not an existing file"),
    ('[outbox]\nmax_events = 0\n', "outbox.max_events = 0"),
    ("[mqtt\n", "is not valid TOML"),
])
def test_config_invalid(tmp_path, text, fragment):
    with pytest.raises(ServiceConfigError) as error:
        load(tmp_path, text)
    assert fragment in str(error.value)


def test_config_missing_file(tmp_path):
    with pytest.raises(ServiceConfigError, match="not found; copy examples/kwapp.toml"):
        load_service_config(tmp_path / "nope.toml")


def test_config_relative_outbox(tmp_path):
    config = load(tmp_path, '[outbox]\ndir = "queue"\n')
    assert config.outbox.dir == (tmp_path / "queue").resolve()


def test_config_unknown_keywords(tmp_path):
    config = load(tmp_path, '[actions]\ndefault = []\n[keywords.yes]\n[keywords.hello]\n')
    assert config.unknown_keywords(["yes", "no"]) == ["hello"]


def test_config_secrets_not_in_repr(tmp_path):
    config = load(tmp_path, '[mqtt]\nhost = "x"\nusername = "u"\npassword = "p4ss-w0rd"\n'
                            '[webhook]\nurl = "https://h/x"\n[webhook.headers]\nAuthorization = "Bearer tok-123"\n')
    assert "p4ss-w0rd" not in repr(config)
    assert "tok-123" not in repr(config)


def test_redact_url_drops_secrets():
    assert redact_url("https://user:pw@hooks.example:8443/a/b?token=abc#x") == "https://hooks.example:8443/a/b"


def test_config_dict_round_trip(tmp_path):
    shutil.copytree(EXAMPLE.parent, tmp_path / "etc")
    config = load_service_config(tmp_path / "etc" / "kwapp.toml")
    assert config_from_dict(config_to_dict(config)) == config


def test_config_japanese_keyword(tmp_path):
    config = load(tmp_path, '[mqtt]\nhost = "broker"\n[keywords."とまれ"]\nactions = ["mqtt"]\n')
    assert config.actions_for("とまれ").actions == ("mqtt",)
