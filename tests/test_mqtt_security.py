"""MQTT credentials and TLS against a real mosquitto: they work, and secrets never reach a log."""

from __future__ import annotations

import logging
import shutil
import subprocess

import pytest

from helpers_audio import require_model, run_kwapp, CLIPS, DATA
from kwapp.actions.service import ActionService
from kwapp.service_config import load_service_config
from test_mqtt_support import Broker, Recorder, service_config, wait_until

USER, PASSWORD = "press", "pw-9f3c-secret"


def password_broker(folder) -> Broker:
    folder.mkdir(parents=True, exist_ok=True)
    passwords = folder / "passwords"
    subprocess.run(["mosquitto_passwd", "-b", "-c", str(passwords), USER, PASSWORD], check=True, capture_output=True)
    return Broker(folder, extra_lines=("allow_anonymous false", f"password_file {passwords}"))


@pytest.fixture
def broker(tmp_path):
    if shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto_passwd is not installed; install the Debian package 'mosquitto'")
    broker = password_broker(tmp_path / "broker").start()
    yield broker
    broker.stop()


def run_service(config, until) -> ActionService:
    service = ActionService(config)
    service.start()
    try:
        assert wait_until(lambda: until(service.snapshot().mqtt))
    finally:
        service.stop()
    return service


def test_password_login(tmp_path, broker, caplog):
    caplog.set_level(logging.DEBUG)
    recorder = Recorder(broker.port, "kwapp/press-1/status", credentials=(USER, PASSWORD))
    try:
        config = service_config(tmp_path, broker.port, mqtt={"username": USER, "password": PASSWORD})
        run_service(config, lambda link: link.state == "up")
        assert recorder.wait_for(lambda r: r.on("status") == [b"online", b"offline"])
    finally:
        recorder.close()
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(config)


def test_password_file_login(tmp_path, broker):
    secret = tmp_path / "mqtt-password"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o600)
    config = service_config(tmp_path, broker.port, mqtt={"username": USER, "password_file": str(secret)})
    run_service(config, lambda link: link.state == "up")


def test_wrong_password_reported(tmp_path, broker, caplog):
    caplog.set_level(logging.DEBUG)
    config = service_config(tmp_path, broker.port, mqtt={"username": USER, "password": "wrong-pw-77"})
    run_service(config, lambda link: link.state == "down" and "rejected" in link.detail)
    assert "username, password" in caplog.text
    assert "wrong-pw-77" not in caplog.text


@pytest.mark.parametrize("mode, warned", [(0o644, True), (0o640, True), (0o600, False)])
def test_config_mode_warning(tmp_path, caplog, mode, warned):
    path = tmp_path / "kwapp.toml"
    path.write_text(f'[mqtt]\nhost = "127.0.0.1"\nusername = "{USER}"\npassword = "{PASSWORD}"\n')
    path.chmod(mode)
    caplog.set_level(logging.WARNING)
    load_service_config(path)
    assert ("readable by group or others" in caplog.text) == warned
    assert PASSWORD not in caplog.text


def test_listen_log_has_no_password(tmp_path, broker):
    config = tmp_path / "kwapp.toml"
    config.write_text(f'[station]\nname = "press-1"\n[mqtt]\nhost = "127.0.0.1"\nport = {broker.port}\n'
                      f'username = "{USER}"\npassword = "{PASSWORD}"\n[outbox]\ndir = "outbox"\n')
    config.chmod(0o600)
    result = run_kwapp("-v", "listen", "--file", str(DATA / CLIPS["yes"]), "--model", str(require_model()),
                       "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "MQTT connected" in result.stderr
    assert PASSWORD not in result.stderr


# --- TLS -----------------------------------------------------------------------------------------


def openssl(*args: str, cwd) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(folder) -> None:
    """A test CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA."""
    folder.mkdir(parents=True, exist_ok=True)
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=kwapp test CA", cwd=folder)
    (folder / "server.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    for name, extra in (("server", ["-extfile", "server.ext"]), ("client", [])):
        openssl("req", *key, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN=kwapp test {name}", cwd=folder)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{name}.crt", "-days", "2", *extra, cwd=folder)


@pytest.fixture
def tls_broker(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed; it generates the test certificates")
    certs = tmp_path / "certs"
    make_certificates(certs)
    lines = (f"cafile {certs / 'ca.crt'}", f"certfile {certs / 'server.crt'}", f"keyfile {certs / 'server.key'}",
             "require_certificate true")
    broker = Broker(tmp_path / "broker", extra_lines=lines).start()
    yield broker, certs
    broker.stop()


def test_tls_client_certificate(tmp_path, tls_broker):
    broker, certs = tls_broker
    tls = {"ca_file": str(certs / "ca.crt"), "cert_file": str(certs / "client.crt"), "key_file": str(certs / "client.key")}
    recorder = Recorder(broker.port, "kwapp/press-1/status", ca_certs=str(certs / "ca.crt"),
                        certfile=str(certs / "client.crt"), keyfile=str(certs / "client.key"))
    try:
        run_service(service_config(tmp_path, broker.port, mqtt={"tls": tls}), lambda link: link.state == "up")
        assert recorder.wait_for(lambda r: r.on("status") == [b"online", b"offline"])
    finally:
        recorder.close()


def test_tls_without_client_cert_fails(tmp_path, tls_broker):
    broker, certs = tls_broker
    config = service_config(tmp_path, broker.port, mqtt={"tls": {"ca_file": str(certs / "ca.crt")}})
    run_service(config, lambda link: link.state == "down")
