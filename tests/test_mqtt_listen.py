"""`kwapp listen --config` as a service runs it: events over MQTT, clean SIGTERM, last will on SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from kwapp.pipeline.outbox import Outbox
from helpers_audio import ROOT, build_stream, parse_events, require_model, run_kwapp, write_audio
from test_mqtt_support import WAIT_S, Broker, Recorder

LONG_STREAM_S = 60.0  # played in real time; the tests end the process long before the file ends


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


def write_config(tmp_path, port: int, extra: str = "") -> str:
    path = tmp_path / "kwapp.toml"
    path.write_text(f"""
[station]
name = "press-1"

[mqtt]
host = "127.0.0.1"
port = {port}
keepalive_s = 5

[outbox]
dir = "outbox"

[actions]
default = ["mqtt"]
{extra}""")
    return str(path)


def start_listener(tmp_path, port: int) -> subprocess.Popen:
    """`kwapp listen --realtime` on a long quiet stream, as a background service process."""
    samples, _ = build_stream([], LONG_STREAM_S)
    audio = write_audio(tmp_path / "quiet.flac", samples)
    command = [sys.executable, "-m", "kwapp", "listen", "--file", str(audio), "--realtime",
               "--model", str(require_model()), "--config", write_config(tmp_path, port)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=WAIT_S)


def test_listen_publishes_each_detection(tmp_path, broker, recorder):
    samples, _ = build_stream([("yes", 1.0), ("stop", 3.5)], 6.0)
    audio = write_audio(tmp_path / "two.flac", samples)
    result = run_kwapp("listen", "--file", str(audio), "--model", str(require_model()), "--json",
                       "--config", write_config(tmp_path, broker.port))
    assert result.returncode == 0, result.stderr
    printed = parse_events(result.stdout)
    assert printed, "the model detected nothing in the test stream"
    assert recorder.wait_for(lambda r: len(r.on("detections")) == len(printed))
    published = recorder.json_on("detections")
    assert [e["keyword"] for e in published] == [e["keyword"] for e in printed]
    assert [e["stream_t"] for e in published] == [e["t"] for e in printed]
    assert [e["score"] for e in published] == [e["score"] for e in printed]
    for event in published:
        assert event["station"] == "press-1"
        assert event["snippet"] is None
        assert event["score"] >= event["threshold"]
    assert recorder.wait_for(lambda r: r.on("status") == [b"online", b"offline"])


def test_listen_json_unchanged(tmp_path, broker):
    """--config adds actions but leaves the printed JSON lines exactly as without it."""
    samples, _ = build_stream([("yes", 1.0)], 3.0)
    audio = str(write_audio(tmp_path / "one.flac", samples))
    model = str(require_model())
    plain = run_kwapp("listen", "--file", audio, "--model", model, "--json")
    with_config = run_kwapp("listen", "--file", audio, "--model", model, "--json",
                            "--config", write_config(tmp_path, broker.port))
    assert with_config.returncode == 0, with_config.stderr
    assert with_config.stdout == plain.stdout


def test_listen_sigterm_goes_offline(tmp_path, broker, recorder):
    process = start_listener(tmp_path, broker.port)
    try:
        assert recorder.wait_for(lambda r: r.on("status") == [b"online"], timeout_s=60)
        process.send_signal(signal.SIGTERM)
        assert process.wait(WAIT_S) == 0
    finally:
        stop_process(process)
    assert recorder.wait_for(lambda r: r.on("status") == [b"online", b"offline"])


def test_listen_sigkill_last_will(tmp_path, broker, recorder):
    process = start_listener(tmp_path, broker.port)
    try:
        assert recorder.wait_for(lambda r: r.on("status") == [b"online"], timeout_s=60)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(WAIT_S)
    finally:
        stop_process(process)
    assert recorder.wait_for(lambda r: r.on("status") == [b"online", b"offline"])


def test_listen_bad_config_exit_2(tmp_path, broker):
    config = write_config(tmp_path, broker.port, extra='\n[keywords.nonsense]\nactions = ["mqtt"]\n')
    result = run_kwapp("listen", "--file", str(tmp_path / "missing.wav"), "--model", str(require_model()),
                       "--config", config)
    assert result.returncode == 2
    assert "nonsense" in result.stderr
    assert "Traceback" not in result.stderr


def test_listen_outbox_in_use_exit_2(tmp_path, broker):
    config = write_config(tmp_path, broker.port)
    holder = Outbox(tmp_path / "outbox" / "mqtt.jsonl")  # another process would hold this lock the same way
    try:
        samples, _ = build_stream([], 1.0)
        result = run_kwapp("listen", "--file", str(write_audio(tmp_path / "quiet.flac", samples)),
                           "--model", str(require_model()), "--config", config)
    finally:
        holder.close()
    assert result.returncode == 2
    assert "in use by another kwapp process" in result.stderr
    assert "Traceback" not in result.stderr
