"""Synthesise the ten English keywords offline with espeak-ng, for the training-data ablation.

Writes <out>/<keyword>/espeak-<voice>-<variant>_s<speed>_p<pitch>.wav at 16 kHz: 7 English accents x
6 voice variants x 2 speeds x 2 pitches = 168 takes per keyword. Only keyword folders are written;
_unknown_ and _silence_ keep coming from real recordings and noise.

Usage: python3 scripts/synth_en.py --out runs/en-synth
"""

from __future__ import annotations

import argparse
import itertools
import logging
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from kwapp.audio.wavio import write_wav_atomic

log = logging.getLogger("synth_en")

KEYWORDS = ("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go")
VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029")
VARIANTS = ("m1", "m3", "m5", "f1", "f2", "f4")
SPEEDS = (140, 175)  # words per minute
PITCHES = (35, 65)  # espeak-ng pitch, 0-99 (default 50)
SAMPLE_RATE_HZ = 16_000


def espeak(word: str, voice: str, variant: str, speed: int, pitch: int) -> np.ndarray:
    """Return one take at 16 kHz."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        subprocess.run(["espeak-ng", "-v", f"{voice}+{variant}", "-s", str(speed), "-p", str(pitch), "-w", str(wav), word],
                       check=True, capture_output=True)
        audio, rate = sf.read(wav, dtype="float32")
    return soxr.resample(audio, rate, SAMPLE_RATE_HZ).astype(np.float32)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    count = 0
    for word, voice, variant, speed, pitch in itertools.product(KEYWORDS, VOICES, VARIANTS, SPEEDS, PITCHES):
        path = args.out / word / f"espeak-{voice}-{variant}_s{speed}_p{pitch}.wav"
        write_wav_atomic(path, espeak(word, voice, variant, speed, pitch))
        count += 1
    log.info("wrote %d takes under %s", count, args.out)


if __name__ == "__main__":
    main()
