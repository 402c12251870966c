"""Build assets/demo.wav: held-out-speaker keywords over factory noise, the embedded default source.

Usage: python scripts/make_demo.py [--data ../shared/data] [--out assets/demo.wav]
The speakers are ones the default model never trained on (held out of gsc-v2-dev at 40 %).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from kwapp.audio.wavio import read_audio, write_wav_atomic
from kwapp.cli import default_data_root
from kwapp.train.dataset import is_held_out, speaker_of

SAMPLE_RATE_HZ = 16_000
DURATION_S = 14.0
# (keyword, start second): spaced so each utterance is separate.
SCRIPT = [("yes", 1.5), ("stop", 5.0), ("go", 8.5), ("left", 11.5)]
NOISE_FILE = "noise/mimii-factory/pump_normal.flac"
NOISE_LEVEL_DBFS = -38.0


def first_held_out_clip(folder: Path) -> Path:
    for path in sorted(folder.glob("*.flac")):
        if is_held_out(speaker_of(path), 40.0):
            return path
    raise FileNotFoundError(f"no held-out speaker clip in {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_root())
    parser.add_argument("--out", type=Path, default=Path("assets/demo.wav"))
    args = parser.parse_args()
    noise = read_audio(args.data / NOISE_FILE)
    n = int(DURATION_S * SAMPLE_RATE_HZ)
    mix = np.tile(noise, n // len(noise) + 1)[:n]
    mix = mix * (10 ** (NOISE_LEVEL_DBFS / 20) / np.sqrt(np.mean(mix**2)))
    credits = []
    for word, start_s in SCRIPT:
        clip_path = first_held_out_clip(args.data / "speech" / "gsc-v2-dev" / word)
        clip = read_audio(clip_path)
        clip = clip * (0.5 / max(1e-6, np.max(np.abs(clip))))  # peak at -6 dBFS
        start = int(start_s * SAMPLE_RATE_HZ)
        mix[start : start + len(clip)] += clip
        credits.append(f"{word} at {start_s} s: {clip_path.relative_to(args.data)}")
    write_wav_atomic(args.out, mix)
    print("\n".join(credits))


if __name__ == "__main__":
    main()
