"""Few-shot benchmark: a Mycroft wake phrase as a new keyword, fine-tuned from 3, 5, 10 and 20 takes.

    python3 benchmarks/fewshot.py [--phrase athena] [--takes 3 5 10 20] [--model models/default]

For each take count: copy that many takes into a temporary site folder (plus one MIMII factory
recording as site background and, as an engineer would record them, --site-negatives other Mycroft
utterances as `_unknown_`), run the real `finetune` code, then measure
- recall: the share of the phrase's other takes (never trained on) on which the streaming engine
  fires the new keyword,
- false accepts per hour of the new keyword on other speech (Mycroft not-wake-words, Speech Commands
  held-out speakers) and factory noise streamed through the engine,
- the time the fine-tune took.
Takes of one phrase come from many community speakers; the data carry no speaker ids, so the split
is by file.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kwapp.audio.wavio import read_audio  # noqa: E402
from kwapp.cli import default_data_root  # noqa: E402
from kwapp.pipeline.engine import Engine  # noqa: E402
from kwapp.train.dataset import is_held_out, speaker_of  # noqa: E402
from kwapp.train.finetune import FinetuneConfig, finetune  # noqa: E402

BACKGROUND = "noise/mimii-factory/fan_normal.flac"
NEGATIVE_NOISE = ("noise/mimii-factory/pump_normal.flac", "noise/mimii-factory/valve_normal.flac", "noise/room/music.flac")


def fires(engine: Engine, audio: np.ndarray, keyword: str) -> int:
    engine.reset()
    return sum(1 for out in (engine.process(audio), engine.flush()) for e in out.events if e.keyword == keyword)


def not_wake_words(data: Path) -> list[Path]:
    """English and Spanish not-wake-word utterances in a fixed shuffled order."""
    paths = sorted((data / "speech" / "mycroft" / "not-wake-words").rglob("*.flac"))
    return [paths[i] for i in np.random.default_rng(1).permutation(len(paths))]


def negatives(data: Path, limit: int, skip: int) -> list[np.ndarray]:
    """Other speech and factory noise: not-wake-words (after the site ones), held-out Speech Commands unknown words, noise."""
    paths = not_wake_words(data)[skip:]
    unknown = sorted((data / "speech" / "gsc-v2-dev" / "_unknown_").glob("*.flac"))
    paths += [p for p in unknown if is_held_out(speaker_of(p), 40.0)][:limit]
    audio = [read_audio(p) for p in paths]
    return audio + [read_audio(data / n) for n in NEGATIVE_NOISE]


def run(args, n_takes: int, takes: list[Path], negative_audio: list[np.ndarray]) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        (site / args.phrase).mkdir(parents=True)
        (site / "_background_").mkdir()
        for p in takes[:n_takes]:
            shutil.copy(p, site / args.phrase / p.name)
        shutil.copy(args.data / BACKGROUND, site / "_background_")
        if args.site_negatives:
            (site / "_unknown_").mkdir()
            for p in not_wake_words(args.data)[: args.site_negatives]:
                shutil.copy(p, site / "_unknown_" / p.name)
        t0 = time.perf_counter()
        info = finetune(FinetuneConfig(model=args.model, data=(site,), out=Path(tmp) / "model",
                                       steps=args.steps, held_out_fraction=0.0,
                                       trainable_blocks=args.trainable_blocks))
        seconds = time.perf_counter() - t0
        engine = Engine(info)
        test = [read_audio(p) for p in takes[max(args.takes):]]
        recall = np.mean([fires(engine, a, args.phrase) > 0 for a in test])
        false_accepts = sum(fires(engine, a, args.phrase) for a in negative_audio)
        hours = sum(len(a) for a in negative_audio) / 16_000 / 3600
        return f"| {n_takes} | {len(test)} | {recall:.3f} | {false_accepts / hours:.1f} ({hours * 60:.0f} min) | {seconds:.0f} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phrase", default="athena")
    parser.add_argument("--takes", type=int, nargs="+", default=[3, 5, 10, 20])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--data", type=Path, default=default_data_root())
    parser.add_argument("--steps", type=int, default=80)
    parser.add_argument("--trainable-blocks", type=int, help="train only this many top blocks and the head (default: all)")
    parser.add_argument("--test-takes", type=int, default=100, help="takes used for recall (after the training ones)")
    parser.add_argument("--negatives", type=int, default=150, help="held-out unknown-word clips among the negatives")
    parser.add_argument("--site-negatives", type=int, default=0, help="not-wake-word files recorded on site as _unknown_ (not used for FA/h)")
    args = parser.parse_args()
    folder = args.data / "speech" / "mycroft" / args.phrase
    takes = sorted(folder.rglob("*.flac"))
    rng = np.random.default_rng(0)
    takes = [takes[i] for i in rng.permutation(len(takes))][: max(args.takes) + args.test_takes]
    negative_audio = negatives(args.data, args.negatives, args.site_negatives)
    blocks = "all" if args.trainable_blocks is None else str(args.trainable_blocks)
    print(f"Phrase {args.phrase!r} from {folder}; model {args.model}; {args.steps} fine-tune steps, trainable blocks {blocks}; command: "
          f"`python3 benchmarks/fewshot.py {' '.join(sys.argv[1:])}`\n")
    print("| takes | test takes | recall | new-keyword FA/h on other speech + noise | fine-tune s |")
    print("|--:|--:|--:|--:|--:|")
    for n in args.takes:
        print(run(args, n, takes, negative_audio), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
