"""Keyword Mamba, Keyword Mamba-T and KWT side by side: size, streaming cost and (optionally) accuracy.

    python3 benchmarks/compare_architectures.py                 # cost columns only (random weights)
    python3 benchmarks/compare_architectures.py --epochs 4 --jobs 2   # first trains each model with kwapp train

Cost per second of streamed audio at the detector's hop (10 ms, 100 steps per second): Mamba steps
its state once per frame; a Transformer re-runs its whole window (window_frames tokens) every hop.
Multiply-adds are counted by torch's FlopCounterMode on one step (matrix products and convolutions;
the SSM's element-wise products are not in that count, so they are added from the formula in
model_cost.step_macs). Latency is the median of ONNX Runtime int8 steps on one thread.
Accuracy, when trained, is streamed int8 on the held-out speakers (40 %) of gsc-v2-dev after
training on gsc-v1-train and the other gsc-v2-dev speakers: about 8,900 clips, a tenth of the
Speech Commands training set that published results use.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from model_cost import counted_step_macs, machine_line  # noqa: E402

from kwapp.model.bundle import ModelInfo  # noqa: E402
from kwapp.model.checkpoint import build_model  # noqa: E402
from kwapp.model.config import ModelConfig  # noqa: E402
from kwapp.model.export import export_model  # noqa: E402
from kwapp.model.runtime import make_session  # noqa: E402

FRAMES_PER_SECOND = 100
# (name, config) pairs: two sizes per architecture, similar parameter counts across architectures.
CANDIDATES = [
    ("mamba-64x4", ModelConfig(arch="mamba", d_model=64, n_layers=4)),
    ("mamba-96x4", ModelConfig(arch="mamba", d_model=96, n_layers=4)),
    ("mamba_t-64x4", ModelConfig(arch="mamba_t", d_model=64, n_layers=4)),
    ("mamba_t-96x4", ModelConfig(arch="mamba_t", d_model=96, n_layers=4)),
    ("kwt-64x4", ModelConfig(arch="kwt", d_model=64, n_layers=4)),
    ("kwt-96x4", ModelConfig(arch="kwt", d_model=96, n_layers=4)),
]


def ssm_elementwise_macs(cfg: ModelConfig) -> int:
    """Element-wise SSM products per step that FlopCounterMode does not see (0 for KWT)."""
    if cfg.arch == "kwt":
        return 0
    return cfg.n_layers * (4 * cfg.d_inner * cfg.d_state + 3 * cfg.d_inner)


def onnx_latency_us(model, frames: int = 1000) -> tuple[float, int]:
    """Median int8 step time (µs) on one thread, and the int8 file size in bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = export_model(model, Path(tmp) / "m.onnx", int8=True)
        size = path.stat().st_size
        session = make_session(path)
        feeds = {i.name: np.zeros(i.shape, dtype=np.float32) for i in session.get_inputs()}
        rng = np.random.default_rng(0)
        times = []
        for _ in range(frames):
            feeds["frame"] = rng.standard_normal(feeds["frame"].shape).astype(np.float32)
            t0 = time.perf_counter()
            _, *states = session.run(None, feeds)
            times.append(time.perf_counter() - t0)
            feeds.update(zip([i.name for i in session.get_inputs()[1:]], states))
    return float(np.median(times) * 1e6), size


def is_trained(out: Path, epochs: int) -> bool:
    done = out / "config.json"
    return done.exists() and json.loads(done.read_text())["training"].get("epochs") == epochs


def trained_accuracy(out: Path) -> tuple[float, float]:
    """Return (streamed int8 held-out accuracy, training seconds) of a trained candidate."""
    info = json.loads((out / "config.json").read_text())
    return info["metrics"]["held_out"]["stream_int8"]["accuracy"], info["training"]["train_seconds"]


def train(out: Path, cfg: ModelConfig, epochs: int, threads: int) -> None:
    """Run kwapp train for one candidate into out (any earlier partial run there is replaced)."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "kwapp", "train", "--out", str(out), "--arch", cfg.arch,
           "--d-model", str(cfg.d_model), "--n-layers", str(cfg.n_layers), "--epochs", str(epochs)]
    # One OpenMP thread per job when jobs share the cores: oversubscribed OpenMP threads spin and
    # slow every job down several times.
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    subprocess.run(cmd, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def train_all(epochs: int, out_root: Path, jobs: int) -> None:
    """Train the candidates not yet trained for `epochs`, `jobs` at a time, before any cost is measured."""
    todo = [(name, cfg) for name, cfg in CANDIDATES if not is_trained(out_root / name, epochs)]
    threads = max(1, (os.cpu_count() or 1) // jobs)
    print(f"training {[name for name, _ in todo]}, {jobs} at a time with {threads} thread(s) each", file=sys.stderr)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(train, out_root / name, cfg, epochs, threads) for name, cfg in todo]
        for future in futures:
            future.result()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=0, help="train each candidate for this many epochs (0: cost only)")
    parser.add_argument("--jobs", type=int, default=1, help="candidates trained at the same time")
    parser.add_argument("--no-train", action="store_true", help="report the candidates already trained for --epochs, train none")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "compare")
    args = parser.parse_args()
    if args.epochs and not args.no_train:
        train_all(args.epochs, args.out, args.jobs)
    torch.set_num_threads(1)
    print(f"Machine: {machine_line()}  \nCommand: `python3 benchmarks/{Path(__file__).name} {' '.join(sys.argv[1:])}`\n")
    print("| model | params | MACs per second of audio | int8 step µs (1 thread) | int8 file KiB | held-out acc. (int8, streamed) | train s |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for name, cfg in CANDIDATES:
        model = build_model(cfg).eval()
        params = sum(p.numel() for p in model.parameters())
        macs = (counted_step_macs(model) + ssm_elementwise_macs(cfg)) * FRAMES_PER_SECOND
        latency, size = onnx_latency_us(model)
        trained = args.epochs and is_trained(args.out / name, args.epochs)
        acc, seconds = trained_accuracy(args.out / name) if trained else (None, None)
        acc_text = f"{acc:.4f}" if acc is not None else "not trained"
        print(f"| {name} | {params:,} | {macs / 1e6:.1f} M | {latency:.0f} | {size / 1024:.0f} | {acc_text} | {seconds or '—'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
