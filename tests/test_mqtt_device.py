"""`kwapp listen --device --config` on a real capture path: mic_lost and recovery reach the status topic.

Capture runs through PortAudio, the ALSA "pulse" plugin and a private PulseAudio whose default source is
a pipe (module-pipe-source). The test writes 16 kHz s16le samples into the pipe, stops writing to
simulate a lost microphone, and starts again.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from helpers_audio import ROOT, noise_bed, require_model
from kwapp.config import SAMPLE_RATE_HZ
from test_mqtt_support import WAIT_S, Broker, Recorder

PULSE_SCRIPT = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-pipe-source source_name=kwtest file={fifo} format=s16le rate={rate} channels=1
set-default-source kwtest
"""
CHUNK_S = 0.05  # pipe writes of 50 ms, paced in real time


class PipeFeeder(threading.Thread):
    """Writes quiet noise into the pipe source in real time while `feeding` is set."""

    def __init__(self, fifo):
        super().__init__(daemon=True)
        chunk = noise_bed(CHUNK_S, -40.0)
        self.chunk = (chunk * 32767).astype("<i2").tobytes()
        self.handle = open(fifo, "wb", buffering=0)
        self.feeding = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            if self.feeding.is_set():
                self.handle.write(self.chunk)
            time.sleep(CHUNK_S)
        self.handle.close()


@pytest.fixture
def pulse(tmp_path):
    """A private PulseAudio with a pipe source; yields the client environment and the pipe's path."""
    if shutil.which("pulseaudio") is None:
        pytest.skip("pulseaudio is not installed; install the Debian package 'pulseaudio'")
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    socket, fifo = run / "native", tmp_path / "kwtest.fifo"
    script = tmp_path / "server.pa"
    script.write_text(PULSE_SCRIPT.format(socket=socket, fifo=fifo, rate=SAMPLE_RATE_HZ))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(HOME=str(tmp_path), XDG_RUNTIME_DIR=str(run), PULSE_RUNTIME_PATH=str(run))
    with open(tmp_path / "pulseaudio.log", "wb") as log_file:
        server = subprocess.Popen(["pulseaudio", "-n", "-F", str(script), "--daemonize=no", "--exit-idle-time=-1",
                                   "--use-pid-file=false", "--disable-shm=true", "--log-target=stderr"],
                                  env=env, stdout=log_file, stderr=log_file)
    deadline = time.monotonic() + WAIT_S
    while not (socket.exists() and fifo.exists()) and server.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    yield {**env, "PULSE_SERVER": f"unix:{socket}"}, fifo
    server.terminate()
    server.wait(5)


@pytest.fixture
def broker(tmp_path):
    broker = Broker(tmp_path / "broker").start()
    yield broker
    broker.stop()


def test_device_mic_lost_status(tmp_path, pulse, broker):
    env, fifo = pulse
    config = tmp_path / "kwapp.toml"
    # degraded_hold_s = 0: an overflow on a busy machine shows as "degraded" for one tick only.
    config.write_text(f'[station]\nname = "press-1"\nheartbeat_s = 1\ndegraded_hold_s = 0\n'
                      f'[mqtt]\nhost = "127.0.0.1"\nport = {broker.port}\n[outbox]\ndir = "outbox"\n')
    recorder = Recorder(broker.port, "kwapp/press-1/#")
    feeder = PipeFeeder(fifo)
    feeder.feeding.set()
    feeder.start()
    process = subprocess.Popen([sys.executable, "-m", "kwapp", "listen", "--device", "pulse",
                                "--model", str(require_model()), "--config", str(config)],
                               env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert recorder.wait_for(lambda r: any(h["frames_processed"] > 0 for h in r.json_on("heartbeat")), timeout_s=60)
        feeder.feeding.clear()
        assert recorder.wait_for(lambda r: r.on("status")[-1:] == [b"mic_lost"])
        feeder.feeding.set()
        assert recorder.wait_for(lambda r: r.on("status")[-1:] == [b"online"])
        process.send_signal(signal.SIGTERM)
        assert process.wait(WAIT_S) == 0
    finally:
        if process.poll() is None:
            process.kill()
        _, stderr = process.communicate(timeout=WAIT_S)
        feeder.done.set()
        recorder.close()
    statuses = [s for s in recorder.on("status") if s != b"degraded"]
    assert statuses == [b"online", b"mic_lost", b"online", b"offline"], stderr
    assert any(h["mic_lost"] for h in recorder.json_on("heartbeat"))
