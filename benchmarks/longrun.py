"""Hours of keyword-free audio through the engine: false events per hour and memory growth.

Builds the stream on the fly from the MIMII factory noise recordings and the `_unknown_` words
(bed, bird, cat, ...) of the held-out speakers of speech/gsc-v2-dev. The model never trained on these
utterances, and none of them is a keyword, so every event is a false event. Runs as fast as the CPU
allows on one thread and prints markdown table rows.

    python3 benchmarks/longrun.py [HOURS] [--model DIR] [--data DIR] [--seed N] [--noise-only]
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one thread everywhere, set before numpy loads

import argparse
import collections
import logging
import resource
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from engine_cost import command_line, machine
from kwapp.cli import default_data_root
from kwapp.config import SAMPLE_RATE_HZ
from kwapp.pipeline.engine import Engine
from kwapp.train.dataset import is_held_out, speaker_of

log = logging.getLogger("longrun")

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT_PERCENT = 40.0  # the speaker split of the default model's training run (kwapp train default)
CHUNK_S = 10.0  # the stream is built and fed in pieces of this length, so memory stays flat
BLOCK_S = 0.02  # engine input blocks, as FileSource delivers them
NOISE_DBFS = (-50.0, -25.0)  # RMS range of the factory noise, drawn per chunk
SNR_DB = (0.0, 25.0)  # word RMS over noise RMS, drawn per word
WORD_GAP_S = (1.0, 4.0)  # pause between the end of one word and the next onset
WARMUP_S = 60.0  # RSS "before" is read after this much audio, once buffers and caches exist


def rss_mib() -> float:
    """Current resident set size of this process (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found in /proc/self/status")


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)) + 1e-12))


def load_folder(folder: Path, keep=lambda path: True) -> list[np.ndarray]:
    clips = []
    for path in sorted(folder.glob("*.flac")):
        if keep(path):
            samples, rate = sf.read(str(path), dtype="float32")
            if rate != SAMPLE_RATE_HZ:
                raise ValueError(f"{path} is {rate} Hz; expected {SAMPLE_RATE_HZ} Hz")
            clips.append(samples)
    if not clips:
        raise FileNotFoundError(f"no FLAC files in {folder}; pass --data with speech/ and noise/ folders")
    return clips


class StreamMaker:
    """Random chunks of factory noise with non-keyword words at random SNR."""

    def __init__(self, noises: list[np.ndarray], words: list[np.ndarray], seed: int):
        self.noises, self.words = noises, words
        self.rng = np.random.default_rng(seed)
        self.next_word_s = self.rng.uniform(*WORD_GAP_S)
        self.words_placed = 0

    def noise(self, n: int) -> np.ndarray:
        source = self.noises[self.rng.integers(len(self.noises))]
        looped = np.tile(source, n // len(source) + 2)
        start = self.rng.integers(len(source))
        gain_db = self.rng.uniform(*NOISE_DBFS)
        return looped[start : start + n] * np.float32(10 ** (gain_db / 20) / rms(source))

    def chunk(self, chunk_start_s: float) -> np.ndarray:
        n = int(CHUNK_S * SAMPLE_RATE_HZ)
        out = self.noise(n)
        noise_rms = rms(out)
        self.next_word_s = max(self.next_word_s, chunk_start_s)  # an onset pushed past the previous chunk's end
        while self.words and self.next_word_s < chunk_start_s + CHUNK_S - 1.0:  # words never straddle two chunks
            word = self.words[self.rng.integers(len(self.words))]
            gain = noise_rms * 10 ** (self.rng.uniform(*SNR_DB) / 20) / rms(word[np.abs(word) > 0.1 * np.abs(word).max()])
            start = int((self.next_word_s - chunk_start_s) * SAMPLE_RATE_HZ)
            out[start : start + len(word)] += word * np.float32(gain)
            self.words_placed += 1
            self.next_word_s += len(word) / SAMPLE_RATE_HZ + self.rng.uniform(*WORD_GAP_S)
        return np.clip(out, -1.0, 1.0)


def run(engine: Engine, maker: StreamMaker, hours: float) -> dict:
    block = int(BLOCK_S * SAMPLE_RATE_HZ)
    events: collections.Counter = collections.Counter()
    rss_before = None
    started = time.perf_counter()
    chunk_start_s = 0.0
    while chunk_start_s < hours * 3600:
        samples = maker.chunk(chunk_start_s)
        for i in range(0, len(samples), block):
            for event in engine.process(samples[i : i + block]).events:
                events[event.keyword] += 1
                log.debug("false event %s at %.2f s score %.3f", event.keyword, event.t, event.score)
        chunk_start_s += CHUNK_S
        if rss_before is None and chunk_start_s >= WARMUP_S:
            rss_before = rss_mib()
    wall_s = time.perf_counter() - started
    return {"audio_s": chunk_start_s, "wall_s": wall_s, "events": events, "rss_before": rss_before or rss_mib(),
            "rss_after": rss_mib(), "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hours", nargs="?", type=float, default=1.0, help="hours of audio to stream")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default", help="model folder")
    parser.add_argument("--data", type=Path, default=default_data_root(), help="folder with speech/ and noise/")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noise-only", action="store_true", help="factory noise without the non-keyword words")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    noises = load_folder(args.data / "noise" / "mimii-factory")
    words = [] if args.noise_only else load_folder(args.data / "speech" / "gsc-v2-dev" / "_unknown_",
                                                   lambda p: is_held_out(speaker_of(p), HELD_OUT_PERCENT))
    engine = Engine.from_folder(args.model)
    maker = StreamMaker(noises, words, args.seed)
    result = run(engine, maker, args.hours)

    hours = result["audio_s"] / 3600
    total = sum(result["events"].values())
    growth = result["rss_after"] - result["rss_before"]
    name, cores = machine()
    print(f"{len(words)} distinct words, {maker.words_placed} placed; false events by keyword: {dict(result['events'])}")
    print("| machine | cores | audio h | × real time | words | false events | false events/h | "
          "RSS before MiB | RSS after MiB | growth MiB | peak MiB | command |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {name} | {cores} | {hours:.2f} | {result['audio_s'] / result['wall_s']:.0f} | {maker.words_placed} | "
          f"{total} | {total / hours:.1f} | {result['rss_before']:.1f} | {result['rss_after']:.1f} | {growth:+.1f} | "
          f"{result['peak_mib']:.1f} | `{command_line()}` |")


if __name__ == "__main__":
    main()
