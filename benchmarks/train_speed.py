"""Training throughput of Keyword Mamba on CPU with the sequential and the chunked selective scan.

Times the optimisation step of `kwapp train` (forward over 1 s clips, last-frame cross-entropy,
backward, gradient clipping, AdamW) on a batch of real speech features, and prints markdown rows of
clips per second with the machine and command. The feature extraction of a batch is timed too,
because training computes features on the fly.

    python3 benchmarks/train_speed.py                 # default ModelConfig, batch 64, 5 steps
    python3 benchmarks/train_speed.py --d-model 96 --threads 2

Timings depend on the machine and on its load; the header prints the load average.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kwapp.audio.wavio import fit_length, read_audio  # noqa: E402
from kwapp.features.frontend import FeatureExtractor  # noqa: E402
from kwapp.model.config import ModelConfig  # noqa: E402
from kwapp.model.kws import KeywordMamba  # noqa: E402
from kwapp.model.mamba import selective_scan_chunked, selective_scan_reference  # noqa: E402
from kwapp.train.fit import TrainConfig  # noqa: E402

SPEECH = ROOT / "tests" / "data" / "kws"
SCANS = {"sequential (selective_scan_reference)": selective_scan_reference, "chunked (selective_scan_chunked)": selective_scan_chunked}


def speech_batch(batch: int) -> np.ndarray:
    """(batch, 16000) float32: the committed test clips, cut or padded to 1 s and repeated."""
    clips = [fit_length(read_audio(p), 16000) for p in sorted(SPEECH.rglob("*.flac"))]
    return np.stack([clips[i % len(clips)] for i in range(batch)])


def train_step(model, opt, feats, targets, scan, label_smoothing: float) -> float:
    """Run one optimisation step as kwapp.train.fit.train_epoch does, without augmentation and scheduler."""
    logits = model(feats, scan=scan)[:, -1]
    loss = F.cross_entropy(logits, targets, label_smoothing=label_smoothing)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return float(loss.detach())


def time_scan(cfg: ModelConfig, train: TrainConfig, feats: torch.Tensor, scan, steps: int) -> float:
    """Median seconds per step after one warm-up step."""
    torch.manual_seed(0)
    model = KeywordMamba(cfg).train()
    opt = torch.optim.AdamW(model.parameters(), lr=train.lr, weight_decay=train.weight_decay)
    targets = torch.randint(0, cfg.n_classes, (feats.shape[0],), generator=torch.Generator().manual_seed(0))
    train_step(model, opt, feats, targets, scan, train.label_smoothing)
    seconds = []
    for _ in range(steps):
        t0 = time.perf_counter()
        train_step(model, opt, feats, targets, scan, train.label_smoothing)
        seconds.append(time.perf_counter() - t0)
    return float(np.median(seconds))


def machine_line() -> str:
    cpu = platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [l.split(":", 1)[1].strip() for l in cpuinfo.read_text().splitlines() if l.startswith("model name")]
        cpu = names[0] if names else cpu
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine: {cpu}, {os.cpu_count()} logical cores, load average {load}; torch {torch.__version__} "
        f"with {torch.get_num_threads()} threads"
    )


def main() -> int:
    defaults = ModelConfig()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--d-model", type=int, default=defaults.d_model)
    parser.add_argument("--n-layers", type=int, default=defaults.n_layers)
    parser.add_argument("--arch", default=defaults.arch, choices=["mamba", "mamba_t"])
    parser.add_argument("--batch-size", type=int, default=TrainConfig(data=()).batch_size)
    parser.add_argument("--steps", type=int, default=5, help="timed steps per scan, after one warm-up step")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(), help="torch intra-op threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    train = TrainConfig(data=(), batch_size=args.batch_size)
    cfg = dataclasses.replace(defaults, arch=args.arch, d_model=args.d_model, n_layers=args.n_layers)
    extractor = FeatureExtractor()
    audio = speech_batch(args.batch_size)
    t0 = time.perf_counter()
    feats = torch.from_numpy(extractor.batch_features(audio))  # (B, 98, 40)
    feature_s = time.perf_counter() - t0

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(machine_line())
    print(f"model: {cfg}; batch {args.batch_size} clips of 1 s ({feats.shape[1]} frames); median of {args.steps} steps")
    print()
    print("| part | seconds per batch | clips/s |")
    print("|---|---:|---:|")
    print(f"| features of a batch (numpy, one call) | {feature_s:.3f} | {args.batch_size / feature_s:.0f} |")
    for name, scan in SCANS.items():
        seconds = time_scan(cfg, train, feats, scan, args.steps)
        print(f"| training step, {name} | {seconds:.3f} | {args.batch_size / seconds:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
