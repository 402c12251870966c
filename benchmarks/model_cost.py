"""Per-frame cost of the live path (features + one model step) for PyTorch eager, ONNX fp32 and ONNX int8.

Prints markdown: the machine and command, a table of median microseconds per 10 ms frame on one
thread, then parameter count, multiply-adds per frame and file sizes.

    python3 benchmarks/model_cost.py                       # models/default
    python3 benchmarks/model_cost.py --model runs/default
    python3 benchmarks/model_cost.py --random              # random weights of the default ModelConfig

Timings depend on the machine and on its load; the header prints the load average so that numbers
taken beside a training run can be recognised.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np
import onnxruntime as ort
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kwapp.audio.wavio import read_audio  # noqa: E402
from kwapp.config import FeatureConfig  # noqa: E402
from kwapp.features.frontend import FeatureExtractor, StreamingFrontend  # noqa: E402
from kwapp.model.bundle import ModelInfo  # noqa: E402
from kwapp.model.checkpoint import build_model, load_weights, save_weights  # noqa: E402
from kwapp.model.config import ModelConfig  # noqa: E402
from kwapp.model.export import export_model  # noqa: E402
from kwapp.model.runtime import StepRunner  # noqa: E402
from kwapp.train.dataset import STANDARD_LABELS  # noqa: E402

SPEECH = ROOT / "tests" / "data" / "kws"
WARMUP_FRAMES = 50


def step_macs(cfg: ModelConfig) -> dict[str, int]:
    """Multiply-adds of one `step` of KeywordMamba, counted from the config.

    Per Mamba layer, with D = d_model, E = d_inner, N = d_state, R = dt_rank, K = d_conv:
        in_proj D*2E, depthwise conv E*K, x_proj E*(R+2N), dt_proj R*E, out_proj E*D,
        SSM 4*E*N (Δ*A, decay*h, (Δu)*B, h*C) + 3*E (Δ*u, D*u, gate y*silu(z)),
        and for mamba_t a feed-forward 2*ff_mult*D*D.
    Plus the embedding F*D and the classifier D*classes. Layer norms, activations, exp and softplus
    are not counted. The matrix part equals half of torch's FlopCounterMode count for `step`.
    """
    d, e, n, r, k = cfg.d_model, cfg.d_inner, cfg.d_state, cfg.dt_rank_value, cfg.d_conv
    matrix_layer = d * 2 * e + e * k + e * (r + 2 * n) + r * e + e * d
    if cfg.arch == "mamba_t":
        matrix_layer += 2 * cfg.ff_mult * d * d
    matrix = cfg.n_features * d + cfg.n_layers * matrix_layer + d * cfg.n_classes
    ssm = cfg.n_layers * (4 * e * n + 3 * e)
    return {"matrix": matrix, "ssm": ssm, "total": matrix + ssm}


def feature_macs(cfg: FeatureConfig) -> int:
    """Multiply-adds of the mel projection and DCT per frame (the FFT is not counted)."""
    mel = (cfg.n_fft // 2 + 1) * cfg.n_mels
    return mel + (cfg.n_mels * cfg.n_mfcc if cfg.kind == "mfcc" else 0)


def counted_step_macs(model: torch.nn.Module) -> int:
    """Count half the FLOPs of one step with torch's FlopCounterMode, which counts matrix products and the conv only."""
    from torch.utils.flop_counter import FlopCounterMode

    conv, ssm = model.initial_state(1)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model.step(torch.zeros(1, model.cfg.n_features), conv, ssm)
    return counter.get_total_flops() // 2


def speech_audio(n_frames: int, hop: int) -> np.ndarray:
    """Concatenate the committed test clips and repeat them to cover n_frames hops."""
    clips = [read_audio(p) for p in sorted(SPEECH.rglob("*.flac"))]
    audio = np.concatenate(clips)
    repeats = (n_frames + WARMUP_FRAMES + 10) * hop // len(audio) + 1
    return np.tile(audio, repeats)


def torch_stepper(model: torch.nn.Module) -> Callable[[np.ndarray], np.ndarray]:
    """Return a step function that carries the eager model's state from frame to frame, like the live engine."""
    state = list(model.initial_state(1))

    def step(frame: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            logits, state[0], state[1] = model.step(torch.from_numpy(frame)[None], state[0], state[1])
            return torch.softmax(logits, -1)[0].numpy()

    return step


def time_live_path(step: Callable[[np.ndarray], np.ndarray], audio: np.ndarray, n_frames: int) -> tuple[float, float]:
    """Median microseconds per frame of StreamingFrontend.push(hop) and of the model step."""
    extractor = FeatureExtractor(FeatureConfig())
    frontend = StreamingFrontend(extractor)
    hop = extractor.cfg.hop_samples
    frontend.push(audio[: extractor.cfg.window_samples - hop])
    feature_us, step_us = [], []
    position = extractor.cfg.window_samples - hop
    for i in range(n_frames + WARMUP_FRAMES):
        t0 = time.perf_counter()
        feats, _ = frontend.push(audio[position : position + hop])
        t1 = time.perf_counter()
        step(feats[0])
        t2 = time.perf_counter()
        position += hop
        if i >= WARMUP_FRAMES:
            feature_us.append((t1 - t0) * 1e6)
            step_us.append((t2 - t1) * 1e6)
    return float(np.median(feature_us)), float(np.median(step_us))


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [l.split(":", 1)[1].strip() for l in cpuinfo.read_text().splitlines() if l.startswith("model name")]
        cpu = names[0] if names else cpu
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine: {cpu}, {os.cpu_count()} logical cores, load average {load}; Python {platform.python_version()}, "
        f"torch {torch.__version__}, onnxruntime {ort.__version__}, numpy {np.__version__}"
    )


def load_or_build(args) -> tuple[ModelInfo, torch.nn.Module]:
    if not args.random:
        return load_weights(args.model)
    cfg = dataclasses.replace(ModelConfig(), arch=args.arch, d_model=args.d_model, n_layers=args.n_layers)
    torch.manual_seed(0)
    info = ModelInfo(folder=Path(tempfile.mkdtemp()), labels=STANDARD_LABELS, features=FeatureConfig(), model=cfg)
    model = build_model(cfg).eval()
    save_weights(info, model)  # only for the file size row
    return info, model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default", help="model folder with model.pt")
    parser.add_argument("--random", action="store_true", help="time random weights instead of --model")
    parser.add_argument("--arch", default="mamba", help="with --random: mamba or mamba_t")
    parser.add_argument("--d-model", type=int, default=ModelConfig().d_model, help="with --random")
    parser.add_argument("--n-layers", type=int, default=ModelConfig().n_layers, help="with --random")
    parser.add_argument("--frames", type=int, default=3000, help="timed frames per backend (10 ms each)")
    args = parser.parse_args()
    torch.set_num_threads(1)

    try:
        info, model = load_or_build(args)
    except ValueError as exc:  # ModelFolderError: a missing or inconsistent folder
        print(f"model_cost: {exc}; or pass --random to time random weights", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp())
    fp32_path = export_model(model, work / "fp32.onnx", int8=False)
    int8_path = info.onnx_path if info.onnx_path.is_file() else export_model(model, work / "int8.onnx", int8=True)
    audio = speech_audio(args.frames, info.features.hop_samples)

    rows = []
    for name, step in [
        ("PyTorch eager (float32)", torch_stepper(model)),
        ("ONNX Runtime fp32", StepRunner(info, fp32_path).step),
        ("ONNX Runtime int8", StepRunner(info, int8_path).step),
    ]:
        feature_us, step_us = time_live_path(step, audio, args.frames)
        rows.append(f"| {name} | {feature_us:.1f} | {step_us:.1f} | {feature_us + step_us:.1f} |")

    macs = step_macs(info.model)
    sizes = {"model.pt": info.weights_path, "ONNX fp32": fp32_path, "ONNX int8": int8_path}
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(machine_line())
    print(f"model: {'random weights' if args.random else info.folder}, {info.model}")
    print()
    print(f"Median per 10 ms frame over {args.frames} frames of speech, one thread (µs):")
    print()
    print("| backend | features | model step | total |")
    print("|---|---:|---:|---:|")
    print("\n".join(rows))
    print()
    print("| quantity | value |")
    print("|---|---:|")
    print(f"| parameters | {sum(p.numel() for p in model.parameters()):,} |")
    print(f"| model multiply-adds per frame | {macs['total']:,} (matrix {macs['matrix']:,} + SSM {macs['ssm']:,}) |")
    print(f"| matrix multiply-adds seen by torch FlopCounterMode | {counted_step_macs(model):,} |")
    print(f"| feature multiply-adds per frame, FFT excluded | {feature_macs(info.features):,} |")
    for label, path in sizes.items():
        print(f"| {label} file | {path.stat().st_size / 1024:.1f} KiB |" if path.is_file() else f"| {label} file | missing |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
