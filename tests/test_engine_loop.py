"""run_stream and EngineThread: a source driven through the engine to its end, stop, and errors."""

import logging
import threading

import numpy as np
import pytest

from helpers_audio import build_stream, require_model, run_engine, write_audio
from kwapp.audio.capture import MicSource
from kwapp.audio.devices import DeviceError
from kwapp.audio.replay import FileSource
from kwapp.pipeline.engine import Engine
from kwapp.pipeline.loop import EngineThread, run_stream


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_folder(require_model())


@pytest.fixture(scope="module")
def stream_file(tmp_path_factory):
    samples, _ = build_stream([("yes", 0.5), ("go", 2.5)], 4.0)
    path = write_audio(tmp_path_factory.mktemp("loop") / "stream.wav", samples, subtype="FLOAT")
    return path, samples


def test_run_stream_file_to_end(engine, stream_file):
    path, samples = stream_file
    outputs = []
    engine.reset()
    ended = run_stream(FileSource(path), engine, outputs.append, threading.Event())
    _, expected = run_engine(engine, samples, 4096)
    assert ended
    assert [e for out in outputs for e in out.events] == expected
    assert len(expected) >= 1


def test_run_stream_counts_all_frames(engine, stream_file):
    path, samples = stream_file
    outputs = []
    engine.reset()
    run_stream(FileSource(path), engine, outputs.append, threading.Event())
    scores, _ = run_engine(engine, samples, 4096)
    assert sum(len(out.scores) for out in outputs) == len(scores)


def test_run_stream_stop_before_start(engine, stream_file):
    path, _ = stream_file
    stop = threading.Event()
    stop.set()
    outputs = []
    source = FileSource(path)
    assert not run_stream(source, engine, outputs.append, stop)
    assert outputs == []
    assert source._file.closed


def test_engine_thread_runs_file(engine, stream_file):
    path, _ = stream_file
    outputs = []
    engine.reset()
    thread = EngineThread(FileSource(path), engine, outputs.append)
    thread.start()
    thread.join(60)
    assert thread.ended
    assert thread.error is None
    assert sum(len(out.events) for out in outputs) >= 1


def test_engine_thread_keeps_device_error(engine, caplog):
    thread = EngineThread(MicSource("no-such-microphone-7f3a"), engine, lambda out: None)
    with caplog.at_level(logging.ERROR, logger="kwapp.pipeline.loop"):
        thread.start()
        thread.join(30)
    assert isinstance(thread.error, DeviceError)
    assert "no-such-microphone-7f3a" in caplog.text
    assert all(record.exc_info is None for record in caplog.records)  # a message, not a traceback
