"""Sound action through real PortAudio: a missing output device is counted and logged, never fatal."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kwapp.actions.service import ActionService
from kwapp.actions.sound import SoundPlayer
from kwapp.detect.detector import Detection
from kwapp.service_config import ServiceConfigError
from test_mqtt_support import service_config, wait_until

ROOT = Path(__file__).resolve().parent.parent
CHIME = ROOT / "examples" / "chime.wav"
MISSING_DEVICE = "kwapp-test-no-such-output"
PULSE_SCRIPT = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-null-sink sink_name=kwsink
set-default-sink kwsink
"""
PLAY_SCRIPT = """\
import sys
from pathlib import Path
import sounddevice as sd
from kwapp.actions.sound import SoundPlayer
player = SoundPlayer("pulse")
ok = player.play(Path(sys.argv[1]))
sd.wait()
print(ok, player.played, player.failures)
"""


@pytest.fixture
def pulse_env(tmp_path):
    """A private PulseAudio with a null sink as default output; the client environment that reaches it."""
    if shutil.which("pulseaudio") is None:
        pytest.skip("pulseaudio is not installed; install the Debian package 'pulseaudio'")
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    socket = run / "native"
    script = tmp_path / "server.pa"
    script.write_text(PULSE_SCRIPT.format(socket=socket))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(HOME=str(tmp_path), XDG_RUNTIME_DIR=str(run), PULSE_RUNTIME_PATH=str(run))
    with open(tmp_path / "pulseaudio.log", "wb") as log_file:
        server = subprocess.Popen(["pulseaudio", "-n", "-F", str(script), "--daemonize=no", "--exit-idle-time=-1",
                                   "--use-pid-file=false", "--disable-shm=true", "--log-target=stderr"],
                                  env=env, stdout=log_file, stderr=log_file)
    deadline = time.monotonic() + 15.0
    while not socket.exists() and server.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    yield {**env, "PULSE_SERVER": f"unix:{socket}"}
    server.terminate()
    server.wait(5)


def test_sound_plays_on_pulse(pulse_env):
    """The success path through PortAudio, the ALSA pulse plugin and PulseAudio's null sink."""
    result = subprocess.run([sys.executable, "-c", PLAY_SCRIPT, str(CHIME)], env=pulse_env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "1", "0"], result.stderr


def test_sound_missing_device_tolerated(caplog):
    player = SoundPlayer(MISSING_DEVICE)
    with caplog.at_level(logging.WARNING):
        first = player.play(CHIME)
        second = player.play(CHIME)
    assert first is False
    assert second is False
    assert player.failures == 2
    assert caplog.text.count("cannot play sound") == 1  # the same error is logged once


def test_sound_bad_file_rejected(tmp_path):
    bad = tmp_path / "chime.wav"
    bad.write_bytes(b"not audio")
    with pytest.raises(ServiceConfigError, match="cannot read sound file"):
        SoundPlayer().load(bad)


def test_service_sound_failure_counted(tmp_path):
    config = service_config(tmp_path, None, sound={"file": str(CHIME), "device": MISSING_DEVICE},
                            actions={"default": ["sound"]})
    service = ActionService(config)
    service.start()
    try:
        service.submit(Detection("yes", 0.9, 1.0, 100, 0.7))
        assert wait_until(lambda: service.snapshot().sound_failures == 1)
    finally:
        service.stop()
    assert service.snapshot().sounds_played == 0


def test_service_bad_sound_fails_start(tmp_path):
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"not audio")
    service = ActionService(service_config(tmp_path, None, sound={"file": str(bad)}))
    with pytest.raises(ServiceConfigError, match="broken.wav"):
        service.start()
    service.stop()
