"""The real capture path without a sound card: PortAudio -> ALSA "pulse" plugin -> a private PulseAudio.

Each module run starts its own PulseAudio server in a temporary runtime folder with a pipe source
(module-pipe-source) as the default source. The tests write s16le 16 kHz mono samples into its FIFO and
read them back through sounddevice's callback, MicSource and `kwapp listen --device pulse`.
Needs the Debian packages pulseaudio and libasound2-plugins.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from helpers_audio import ROOT, build_stream, matches, parse_events, require_model
from kwapp.audio import devices
from kwapp.audio.capture import MicSource
from kwapp.config import SAMPLE_RATE_HZ

DEVICE = "pulse"  # the ALSA plugin's PCM, as PortAudio lists it
START_TIMEOUT_S = 15.0
CHUNK = SAMPLE_RATE_HZ // 20  # FIFO writes of 50 ms, paced in real time

SERVER_SCRIPT = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-pipe-source source_name=kwtest file={fifo} format=s16le rate={rate} channels=1
load-module module-null-sink sink_name=kwsink
set-default-source kwtest
"""


class PulseServer:
    """A private PulseAudio process and what a client needs to reach it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.socket = folder / "run" / "native"
        self.fifo = folder / "kwtest.fifo"  # created by module-pipe-source; it must not exist beforehand
        self.log_path = folder / "pulseaudio.log"
        self.process: subprocess.Popen | None = None

    def server_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
        env.update(HOME=str(self.folder), XDG_RUNTIME_DIR=str(self.folder / "run"),
                   PULSE_RUNTIME_PATH=str(self.folder / "run"))
        return env

    def client_env(self) -> dict:
        env = self.server_env()
        env["PULSE_SERVER"] = f"unix:{self.socket}"
        return env

    def start(self) -> None:
        (self.folder / "run").mkdir(mode=0o700)
        script = self.folder / "server.pa"
        script.write_text(SERVER_SCRIPT.format(socket=self.socket, fifo=self.fifo, rate=SAMPLE_RATE_HZ))
        # -n: no default script; --exit-idle-time=-1: stay up between tests. Running as root only warns.
        command = ["pulseaudio", "-n", "-F", str(script), "--daemonize=no", "--exit-idle-time=-1",
                   "--use-pid-file=false", "--disable-shm=true", "--log-target=stderr"]
        with open(self.log_path, "wb") as log_file:
            self.process = subprocess.Popen(command, env=self.server_env(), stdout=log_file, stderr=log_file)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (self.socket.exists() and self.fifo.exists()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"PulseAudio did not start:\n{self.log_path.read_text(errors='replace')}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def write(self, samples: np.ndarray, realtime: bool = True) -> None:
        """Write float samples as s16le into the pipe source, CHUNK by CHUNK at real-time pace."""
        pcm = np.clip(np.round(samples * 32768), -32768, 32767).astype("<i2")
        fd = os.open(self.fifo, os.O_WRONLY)
        try:
            start = time.monotonic()
            for i in range(0, len(pcm), CHUNK):
                os.write(fd, pcm[i : i + CHUNK].tobytes())
                if realtime:
                    time.sleep(max(0.0, start + (i + CHUNK) / SAMPLE_RATE_HZ - time.monotonic()))
        finally:
            os.close(fd)

    def write_in_background(self, samples: np.ndarray) -> threading.Thread:
        thread = threading.Thread(target=self.write, args=(samples,), daemon=True)
        thread.start()
        return thread


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    if shutil.which("pulseaudio") is None:
        pytest.skip("pulseaudio is not installed; install the Debian packages pulseaudio and libasound2-plugins")
    server = PulseServer(tmp_path_factory.mktemp("pulse"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pulse_client(pulse):
    """This process as a PulseAudio client: environment set and PortAudio's device list re-read."""
    saved = dict(os.environ)
    os.environ.update(pulse.client_env())
    devices.refresh()
    yield pulse
    os.environ.clear()
    os.environ.update(saved)
    devices.refresh()


def read_for(source: MicSource, seconds: float) -> np.ndarray:
    blocks = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        blocks.append(source.read(0.05))
    return np.concatenate(blocks)


def read_until_audio(source: MicSource, timeout_s: float) -> np.ndarray:
    """The first non-empty block within timeout_s (an empty one when none arrives)."""
    deadline = time.monotonic() + timeout_s
    block = source.read(0.05)
    while len(block) == 0 and time.monotonic() < deadline:
        block = source.read(0.05)
    return block


def test_pulse_device_listed(pulse_client):
    names = [d.name for d in devices.list_inputs()]
    assert DEVICE in names


def test_find_input_exact_and_substring(pulse_client):
    assert devices.find_input(DEVICE).name == DEVICE
    assert devices.find_input("PULS").name == DEVICE


def test_find_input_unknown_lists_devices(pulse_client):
    with pytest.raises(devices.DeviceError, match="not found; available input devices: .*'pulse'"):
        devices.find_input("no-such-microphone-7f3a")


def test_find_input_ambiguous(pulse_client):
    names = [d.name for d in devices.list_inputs() if "u" in d.name.lower()]
    if len(names) < 2:
        pytest.skip(f"PortAudio lists only {names} here; the ambiguous case needs two names containing 'u'")
    with pytest.raises(devices.DeviceError, match=f"matches {len(names)} devices"):
        devices.find_input("u")


def test_mic_receives_fifo_samples(pulse_client):
    rng = np.random.default_rng(5)
    written = (rng.standard_normal(SAMPLE_RATE_HZ) * 0.1).clip(-1, 1).astype(np.float32)
    written = np.round(written * 32768).clip(-32768, 32767) / 32768
    source = MicSource(DEVICE)
    source.start()
    try:
        writer = pulse_client.write_in_background(written)
        received = read_for(source, 2.0)
        writer.join()
    finally:
        source.stop()
    first = np.flatnonzero(received)[0]
    assert np.array_equal(received[first : first + len(written)], written.astype(np.float32))
    assert source.stats.overflows == 0
    assert source.stats.dropped_frames == 0


def test_mic_lost_alarm_and_recovery(pulse_client):
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(SAMPLE_RATE_HZ // 2) / SAMPLE_RATE_HZ)).astype(np.float32)
    source = MicSource(DEVICE)
    source.start()
    try:
        pulse_client.write(tone)
        assert len(read_for(source, 0.5)) > 0
        read_for(source, 3.0)  # nothing written: the stall passes STALL_TIMEOUT_S
        assert source.stats.mic_lost
        assert source.stats.reopen_count >= 1
        writer = pulse_client.write_in_background(tone)
        received = read_until_audio(source, 3.0)
        recovered = not source.stats.mic_lost  # read before the stall after this tone raises it again
        writer.join()
    finally:
        source.stop()
    assert np.max(np.abs(received)) > 0.1
    assert recovered


def test_mic_channel_pick_opens_fewer_channels(pulse_client):
    source = MicSource(DEVICE, channel=0)
    source.start()
    source.stop()
    assert source.stats.channels == 1


def test_listen_device_missing_channel(pulse):
    model = require_model()
    result = subprocess.run(
        [sys.executable, "-m", "kwapp", "listen", "--device", DEVICE, "--channel", "40", "--model", str(model), "--json"],
        capture_output=True, text=True, env=pulse.client_env(), cwd=ROOT, timeout=START_TIMEOUT_S * 4,
    )
    assert result.returncode == 2
    assert "kwapp: error: channel 40 does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def start_listener(pulse: PulseServer, model: Path) -> tuple[subprocess.Popen, queue.Queue]:
    """`kwapp listen --device pulse --json` as a child; its stderr lines arrive on the queue."""
    child = subprocess.Popen(
        [sys.executable, "-m", "kwapp", "listen", "--device", DEVICE, "--model", str(model), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=pulse.client_env(), cwd=ROOT,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in child.stderr], daemon=True).start()
    return child, lines


def wait_for_line(lines: queue.Queue, fragment: str, timeout_s: float) -> str:
    seen = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        seen.append(line)
        if fragment in line:
            return line
    pytest.fail(f"no line with {fragment!r} within {timeout_s} s; stderr so far:\n{''.join(seen)}")


def test_listen_device_reports_keyword(pulse):
    model = require_model()
    samples, words = build_stream([("yes", 0.5)], 2.5)
    child, lines = start_listener(pulse, model)
    try:
        wait_for_line(lines, "opened input", START_TIMEOUT_S)
        pulse.write(samples)
        time.sleep(1.0)  # the last blocks travel through PulseAudio, the ring and the engine
    finally:
        child.send_signal(signal.SIGTERM)
        stdout, _ = child.communicate(timeout=START_TIMEOUT_S)
    events = parse_events(stdout)
    assert child.returncode == 0
    assert [e["keyword"] for e in events] == ["yes"]
    assert matches(events[0]["t"], words[0])
