"""Per-frame CPU cost of the live engine: resampling, features, ONNX model step and detector.

Feeds 10 ms blocks of 48 kHz stereo audio (factory noise with keyword clips from tests/data) through
ToMono16k and Engine.process on one thread, as the live worker does, and times every block. soxr
returns its output in bursts (about every third 10 ms block here), so the time of the blocks up to and
including one that completes frames is shared among those frames. Prints markdown table rows: the
whole engine, then each stage timed on its own.

    python3 benchmarks/engine_cost.py [--model DIR] [--seconds 60]
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one thread everywhere, set before numpy loads

import argparse
import shlex
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from kwapp.audio.resample import ToMono16k
from kwapp.config import SAMPLE_RATE_HZ
from kwapp.pipeline.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"
INPUT_RATE_HZ = 48000
BLOCK_S = 0.01  # one feature hop per block
WARMUP_FRAMES = 100  # ONNX Runtime and caches settle during the first calls


def machine() -> tuple[str, int]:
    """CPU model name (lscpu) and logical core count."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        name = next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        name = "unknown CPU"
    return name, os.cpu_count() or 0


def command_line() -> str:
    return " ".join(shlex.quote(a) for a in ["python3", *sys.argv])


def test_audio(seconds: float) -> np.ndarray:
    """48 kHz stereo: factory noise on both channels, a keyword clip every 2 s on the left one."""
    noise, _ = sf.read(str(TEST_DATA / "noise_factory_pump_normal_5s.flac"), dtype="float32")
    clips = [sf.read(str(p), dtype="float32")[0] for p in sorted(TEST_DATA.glob("*_nohash_*.flac"))]
    n = int(seconds * SAMPLE_RATE_HZ)
    mono = np.tile(noise, n // len(noise) + 1)[:n]
    for i, start in enumerate(range(SAMPLE_RATE_HZ, n - SAMPLE_RATE_HZ, 2 * SAMPLE_RATE_HZ)):
        clip = clips[i % len(clips)]
        mono[start : start + len(clip)] += clip
    left = soxr.resample(mono, SAMPLE_RATE_HZ, INPUT_RATE_HZ)
    right = soxr.resample(np.roll(noise, 1000), SAMPLE_RATE_HZ, INPUT_RATE_HZ)
    right = np.tile(right, len(left) // len(right) + 1)[: len(left)]
    return np.stack([left, right], axis=1).astype(np.float32)


def time_calls(work, inputs) -> list[tuple[float, object]]:
    """(seconds, result) of work(x) for each input."""
    out = []
    for x in inputs:
        start = time.perf_counter()
        result = work(x)
        out.append((time.perf_counter() - start, result))
    return out


def per_frame(calls: list[tuple[float, float]]) -> np.ndarray:
    """Seconds per frame: calls that complete no frame add their time to the next call that does.

    A fractional frame count (resampler output in hops) counts as round(frames) samples of the cost.
    """
    costs, pending = [], 0.0
    for seconds, frames in calls:
        pending += seconds
        if frames:
            costs += [pending / frames] * max(1, round(frames))
            pending = 0.0
    return np.array(costs[WARMUP_FRAMES:])


def stage_times(engine: Engine, audio: np.ndarray) -> dict[str, np.ndarray]:
    """Time the whole chain per 10 ms block, then each stage alone on the same data."""
    block = int(BLOCK_S * INPUT_RATE_HZ)
    native_blocks = [audio[i : i + block] for i in range(0, len(audio) - block + 1, block)]
    convert = ToMono16k(INPUT_RATE_HZ, 2)
    engine.reset()
    whole = time_calls(lambda b: len(engine.process(convert.push(b)).scores), native_blocks)

    hop = engine.info.features.hop_samples
    convert = ToMono16k(INPUT_RATE_HZ, 2)
    resample = time_calls(lambda b: len(convert.push(b)) / hop, native_blocks)  # frames = output samples / hop
    mono = ToMono16k(INPUT_RATE_HZ, 2).push(audio)
    mono_blocks = [mono[i : i + hop] for i in range(0, len(mono) - hop + 1, hop)]
    engine.reset()
    features = time_calls(lambda b: len(engine.frontend.push(b)[0]), mono_blocks)
    frames = engine.extractor.clip_features(mono)
    engine.runner.reset()
    step = time_calls(engine.runner.step, frames)
    frame_numbers = iter(range(len(step)))
    detector = time_calls(lambda p: engine.detector.push(p, next(frame_numbers)), [p for _, p in step])
    return {
        "whole engine": per_frame(whole),
        "resample 48k stereo": per_frame(resample),
        "features": per_frame(features),
        "ONNX step": per_frame([(t, 1) for t, _ in step]),
        "detector": per_frame([(t, 1) for t, _ in detector]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default", help="model folder")
    parser.add_argument("--seconds", type=float, default=60.0, help="audio length; one frame per 10 ms")
    args = parser.parse_args()

    engine = Engine.from_folder(args.model)
    times = stage_times(engine, test_audio(args.seconds))
    name, cores = machine()
    print("| machine | cores | stage | frames | median µs/frame | p90 µs | p99 µs | share of a 10 ms hop | command |")
    print("|---|---|---|---|---|---|---|---|---|")
    for stage, seconds in times.items():
        us = seconds * 1e6
        median, p90, p99 = np.percentile(us, [50, 90, 99])
        print(f"| {name} | {cores} | {stage} | {len(us)} | {median:.0f} | {p90:.0f} | {p99:.0f} | "
              f"{median / (BLOCK_S * 1e6):.1%} | `{command_line()}` |")


if __name__ == "__main__":
    main()
