"""Sub-commands of `kwapp`: each has a parser builder and a run function returning the exit code."""

from __future__ import annotations

import argparse
import contextlib
import logging
from pathlib import Path

from kwapp.cli import UsageError, add_model_arg, default_data_root, print_json

log = logging.getLogger(__name__)


@contextlib.contextmanager
def user_errors():
    """Turn the package's bad-input exceptions into UsageError (one line, exit code 2)."""
    from kwapp.audio.devices import DeviceError
    from kwapp.audio.wavio import AudioFileError
    from kwapp.model.bundle import ModelFolderError

    try:
        yield
    except (ModelFolderError, AudioFileError, DeviceError, FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from exc


# --- train -------------------------------------------------------------------------------------


def add_train_parser(sub) -> None:
    p = sub.add_parser("train", help="train a keyword model on <label>/<clip> folders")
    data = default_data_root()
    p.add_argument("--data", type=Path, nargs="+", default=[data / "speech" / "gsc-v1-train"], help="training folders, used in full")
    p.add_argument("--dev", type=Path, default=data / "speech" / "gsc-v2-dev", help="folder split by speaker into training and held-out parts")
    p.add_argument("--no-dev", action="store_true", help="no dev folder: hold out speakers of --data instead")
    p.add_argument("--held-out-percent", type=float, default=40.0, help="percent of dev speakers held out for evaluation")
    p.add_argument("--noise", type=Path, nargs="*", default=[data / "noise" / "mimii-factory", data / "noise" / "room", data / "noise" / "gsc-background"], help="noise folders mixed in at random SNR")
    p.add_argument("--out", type=Path, required=True, help="model folder to write")
    p.add_argument("--arch", choices=["mamba", "mamba_t", "kwt"], default="mamba")
    p.add_argument("--d-model", type=int, default=64)
    p.add_argument("--n-layers", type=int, default=4)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-clips", type=int, default=0, help="use at most this many training clips (quick runs)")
    p.set_defaults(run=run_train)


def run_train(args) -> int:
    from kwapp.model.config import ModelConfig
    from kwapp.train.fit import TrainConfig
    from kwapp.train.pipeline import train_export_evaluate

    cfg = TrainConfig(
        data=tuple(args.data),
        dev=None if args.no_dev else args.dev,
        noise=tuple(args.noise),
        out=args.out,
        held_out_percent=args.held_out_percent,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        seed=args.seed,
        max_clips=args.max_clips,
    )
    model_cfg = ModelConfig(arch=args.arch, d_model=args.d_model, n_layers=args.n_layers)
    with user_errors():
        info = train_export_evaluate(cfg, model_cfg)
    print_json({"model": str(info.folder), "metrics": info.metrics})
    return 0


# --- eval --------------------------------------------------------------------------------------


def add_eval_parser(sub) -> None:
    p = sub.add_parser("eval", help="clip accuracy of a model on a <label>/<clip> folder")
    add_model_arg(p)
    p.add_argument("--data", type=Path, required=True, help="folder with <label>/<clip> sub-folders")
    p.add_argument("--held-out-percent", type=float, default=0.0, help="evaluate only the speakers that training with this percent held out")
    p.add_argument("--modes", nargs="+", default=["stream_int8", "clip_float"], choices=["stream_int8", "stream_fp32", "clip_float"])
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run_eval)


def run_eval(args) -> int:
    from kwapp.model.bundle import load_model_info
    from kwapp.train.dataset import is_held_out, scan_folder
    from kwapp.train.evaluate import evaluate

    with user_errors():
        info = load_model_info(args.model)
        clips = scan_folder(args.data, info.labels)
        if args.held_out_percent:
            clips = [c for c in clips if is_held_out(c.speaker, args.held_out_percent)]
        if "clip_float" in args.modes and not info.weights_path.is_file():
            raise UsageError(f"{info.folder} has no model.pt for --modes clip_float; use --modes stream_int8")
        result = evaluate(info, clips, tuple(args.modes))
    if args.json:
        print_json(result)
    else:
        print(f"accuracy {result['accuracy']:.4f} on {result['n']} clips ({result['mode']})")
        for label, acc in result["per_class"].items():
            print(f"  {label:12s} {acc:.4f}")
    return 0


# --- export ------------------------------------------------------------------------------------


def add_export_parser(sub) -> None:
    p = sub.add_parser("export", help="export the one-frame step model to ONNX")
    add_model_arg(p)
    p.add_argument("--out", type=Path, required=True, help="ONNX file to write")
    p.add_argument("--int8", action="store_true", help="quantize weights to int8 (dynamic quantization)")
    p.set_defaults(run=run_export)


def run_export(args) -> int:
    from kwapp.model.checkpoint import load_weights
    from kwapp.model.export import export_model

    with user_errors():
        _, model = load_weights(args.model)
        path = export_model(model, args.out, int8=args.int8)
    print_json({"out": str(path), "bytes": path.stat().st_size, "int8": args.int8})
    return 0


# --- listen ------------------------------------------------------------------------------------


def add_listen_parser(sub) -> None:
    p = sub.add_parser("listen", help="headless detection from a file or an input device")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--file", type=Path, help="WAV/FLAC file played as a microphone")
    source.add_argument("--device", help="input device name (see --list-devices)")
    source.add_argument("--list-devices", action="store_true", help="print the input devices and exit")
    add_model_arg(p)
    p.add_argument("--channel", type=int, help="use this input channel (0-based) instead of a downmix")
    p.add_argument("--realtime", action="store_true", help="pace a file at real-time speed")
    p.add_argument("--json", action="store_true", help='one JSON line per detection: {"t", "keyword", "score"}')
    p.set_defaults(run=run_listen)


def run_listen(args) -> int:
    from kwapp.pipeline.listen import listen

    if args.list_devices:
        from kwapp.audio.devices import list_inputs

        for device in list_inputs():
            print(device.label)
        return 0
    with user_errors():
        return listen(args)


PARSERS = [add_listen_parser, add_train_parser, add_eval_parser, add_export_parser]
