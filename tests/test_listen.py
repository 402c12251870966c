"""`kwapp listen --file` as a user runs it: JSON events on stdout and exit 0; bad input: exit 2."""

import numpy as np
import pytest
import soxr

from helpers_audio import (MODEL_DIR, build_stream, matches, noise_bed, parse_events, require_model,
                           run_engine, run_kwapp, write_audio)
from kwapp.config import SAMPLE_RATE_HZ
from kwapp.model.bundle import load_model_info
from kwapp.pipeline.engine import Engine

EXIT_BAD_INPUT = 2


@pytest.fixture(scope="module")
def model() -> str:
    return str(require_model())


@pytest.fixture(scope="module")
def two_keywords():
    return build_stream([("stop", 1.0), ("yes", 3.5)], 6.0)


def listen(*args: str):
    result = run_kwapp("listen", *args)
    return result, parse_events(result.stdout) if result.returncode == 0 else []


def assert_bad_input(result, *fragments: str) -> None:
    assert result.returncode == EXIT_BAD_INPUT, result.stderr
    assert "kwapp: error:" in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_listen_file_events(tmp_path, model, two_keywords):
    samples, words = two_keywords
    result, events = listen("--file", str(write_audio(tmp_path / "two.wav", samples)), "--model", model, "--json")
    assert result.returncode == 0, result.stderr
    assert [e["keyword"] for e in events] == ["stop", "yes"]
    assert matches(events[0]["t"], words[0])
    assert matches(events[1]["t"], words[1])


def test_listen_json_fields(tmp_path, model, two_keywords):
    samples, _ = two_keywords
    _, events = listen("--file", str(write_audio(tmp_path / "two.flac", samples)), "--model", model, "--json")
    thresholds = load_model_info(model).thresholds
    for event in events:
        assert set(event) == {"t", "keyword", "score"}
        assert thresholds.get(event["keyword"], 0.0) <= event["score"] <= 1.0


def test_listen_matches_engine(tmp_path, model, two_keywords):
    """The CLI reports exactly the engine's events for the file's samples (the FLAC is lossless)."""
    samples, _ = two_keywords
    path = write_audio(tmp_path / "two.flac", samples)
    _, printed = listen("--file", str(path), "--model", model, "--json")
    pcm = np.round(samples * 32768).clip(-32768, 32767) / 32768
    _, events = run_engine(Engine.from_folder(model), pcm.astype(np.float32), 4096)
    expected = [{"t": round(e.t, 3), "keyword": e.keyword, "score": round(e.score, 4)} for e in events]
    assert len(expected) == 2
    assert printed == expected


def to_48k_stereo(keyword: np.ndarray, other: np.ndarray) -> np.ndarray:
    up = [soxr.resample(x, SAMPLE_RATE_HZ, 48000, quality="HQ") for x in (keyword, other)]
    return np.stack(up, axis=1).astype(np.float32)


def test_listen_48k_stereo_channel(tmp_path, model):
    samples, words = build_stream([("go", 1.0)], 3.0)
    other = noise_bed(3.0, -20.0)  # loud factory noise on the channel that is not used
    path = write_audio(tmp_path / "go48k.wav", to_48k_stereo(samples, other), 48000, "PCM_24")
    result, events = listen("--file", str(path), "--channel", "0", "--model", model, "--json")
    assert result.returncode == 0, result.stderr
    assert [e["keyword"] for e in events] == ["go"]
    assert matches(events[0]["t"], words[0])


def test_listen_48k_stereo_downmix(tmp_path, model):
    samples, words = build_stream([("go", 1.0)], 3.0)
    path = write_audio(tmp_path / "go48k.flac", to_48k_stereo(samples, np.zeros_like(samples)), 48000)
    result, events = listen("--file", str(path), "--model", model, "--json")
    assert result.returncode == 0, result.stderr
    assert [e["keyword"] for e in events] == ["go"]
    assert matches(events[0]["t"], words[0])


def test_listen_realtime_same_events(tmp_path, model):
    samples, words = build_stream([("go", 0.3)], 1.5)
    path = str(write_audio(tmp_path / "go.wav", samples))
    result, paced = listen("--file", path, "--realtime", "--model", model, "--json")
    _, fast = listen("--file", path, "--model", model, "--json")
    assert result.returncode == 0, result.stderr
    assert [e["keyword"] for e in paced] == ["go"]
    assert paced == fast


def test_listen_text_output(tmp_path, model, two_keywords):
    samples, _ = two_keywords
    result = run_kwapp("listen", "--file", str(write_audio(tmp_path / "two.wav", samples)), "--model", model)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert [line.split()[2] for line in lines] == ["stop", "yes"]


def test_listen_missing_file(tmp_path, model):
    result, _ = listen("--file", str(tmp_path / "absent.wav"), "--model", model, "--json")
    assert_bad_input(result, "absent.wav", "not found")


def test_listen_unreadable_file(tmp_path, model):
    path = tmp_path / "notes.wav"
    path.write_text("these are notes, not audio\n")
    result, _ = listen("--file", str(path), "--model", model, "--json")
    assert_bad_input(result, "notes.wav", "cannot read audio file")


def test_listen_silence_only_file(tmp_path, model):
    path = write_audio(tmp_path / "zeros.wav", np.zeros(2 * SAMPLE_RATE_HZ, dtype=np.float32))
    result, _ = listen("--file", str(path), "--model", model, "--json")
    assert_bad_input(result, "zeros.wav", "digital silence")


def test_listen_empty_file(tmp_path, model):
    path = write_audio(tmp_path / "empty.wav", np.zeros(0, dtype=np.float32))
    result, _ = listen("--file", str(path), "--model", model, "--json")
    assert_bad_input(result, "empty.wav")


def test_listen_model_folder_without_config(tmp_path, two_keywords):
    samples, _ = two_keywords
    path = write_audio(tmp_path / "two.wav", samples)
    (tmp_path / "empty_model").mkdir()
    result, _ = listen("--file", str(path), "--model", str(tmp_path / "empty_model"), "--json")
    assert_bad_input(result, "empty_model", "config.json")


def test_listen_model_folder_without_onnx(tmp_path, model, two_keywords):
    samples, _ = two_keywords
    path = write_audio(tmp_path / "two.wav", samples)
    folder = tmp_path / "no_onnx"
    folder.mkdir()
    (folder / "config.json").write_bytes((MODEL_DIR / "config.json").read_bytes())
    result, _ = listen("--file", str(path), "--model", str(folder), "--json")
    assert_bad_input(result, "no_onnx", "model.onnx")


def test_listen_model_folder_is_a_file(tmp_path, two_keywords):
    samples, _ = two_keywords
    path = write_audio(tmp_path / "two.wav", samples)
    result, _ = listen("--file", str(path), "--model", str(path), "--json")
    assert_bad_input(result, "config.json")


def test_listen_unknown_device(model):
    result, _ = listen("--device", "no-such-microphone-7f3a", "--model", model, "--json")
    assert_bad_input(result, "no-such-microphone-7f3a", "not found")
