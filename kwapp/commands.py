"""Sub-commands of `kwapp`: each has a parser builder and a run function returning the exit code."""

from __future__ import annotations

import argparse
import contextlib
import logging
from pathlib import Path

from kwapp.cli import UsageError, add_lang_arg, add_model_arg, default_data_root, print_json, print_message
from kwapp.messages import message_of, msg

log = logging.getLogger(__name__)


@contextlib.contextmanager
def user_errors():
    """Turn the package's bad-input exceptions into UsageError (one line, exit code 2)."""
    from kwapp.audio.devices import DeviceError
    from kwapp.audio.wavio import AudioFileError
    from kwapp.model.bundle import ModelFolderError

    try:
        yield
    except (ModelFolderError, AudioFileError, DeviceError, FileNotFoundError, FileExistsError, ValueError) as exc:
        raise UsageError(message_of(exc)) from exc


# --- train -------------------------------------------------------------------------------------


def pair_share_for(arch: str, requested: float) -> float:
    """Return the share of two-clip batches: 0 for KWT, which classifies its whole window and has no per-frame output."""
    if arch == "kwt" and requested > 0:
        log.info("KWT classifies its whole window, so it trains on single clips (--pair-share %g ignored)", requested)
        return 0.0
    return requested


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
    p.add_argument("--pair-share", type=float, default=0.5, help="share of batches of two clips back to back (teaches the model to let go of a keyword)")
    p.add_argument("--init", type=Path, help="start from this model folder's weights (same --arch and sizes)")
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
        pair_share=pair_share_for(args.arch, args.pair_share),
        init=args.init,
    )
    model_cfg = ModelConfig(arch=args.arch, d_model=args.d_model, n_layers=args.n_layers)
    with user_errors():
        info = train_export_evaluate(cfg, model_cfg)
    if info is not None:
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
            raise UsageError(msg("{folder} has no model.pt for --modes clip_float; use --modes stream_int8", folder=info.folder))
        result = evaluate(info, clips, tuple(args.modes))
    if args.json:
        print_json(result)
    else:
        print_message(msg("accuracy {accuracy:.4f} on {n} clips ({mode})", accuracy=result["accuracy"], n=result["n"],
                          mode=result["mode"]), args.language)
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
    p.add_argument("--config", type=Path, help="TOML file with station, MQTT, webhook and sound actions (docs/service.md)")
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


# --- finetune ----------------------------------------------------------------------------------


def add_finetune_parser(sub) -> None:
    p = sub.add_parser("finetune", help="adapt a model to site recordings, new keywords included")
    add_model_arg(p)
    p.add_argument("--data", type=Path, nargs="+", required=True, help="folders with <label>/<take>.wav (and _background_/ recordings)")
    p.add_argument("--out", type=Path, required=True, help="new model folder to write (must not exist)")
    p.add_argument("--steps", type=int, default=80, help="optimiser steps (about 0.6 s each on 2 CPU cores)")
    p.add_argument("--held-out-fraction", type=float, default=0.3, help="share of each label's takes kept for evaluation")
    p.add_argument("--only-new", action="store_true", help="drop the old keywords (they become _unknown_)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=run_finetune)


def run_finetune(args) -> int:
    from kwapp.train.finetune import FinetuneConfig, finetune

    cfg = FinetuneConfig(model=args.model, data=tuple(args.data), out=args.out, steps=args.steps,
                         held_out_fraction=args.held_out_fraction, keep_keywords=not args.only_new, seed=args.seed)
    with user_errors():
        info = finetune(cfg, progress=lambda step, total, eta: log.info("step %d/%d, about %.0f s left", step, total, eta))
    print_json({"model": str(info.folder), "labels": list(info.labels), "metrics": info.metrics})
    return 0


# --- gui ---------------------------------------------------------------------------------------


def add_gui_parser(sub) -> None:
    p = sub.add_parser("gui", help="the monitoring window (also what `kwapp` without a sub-command opens)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--source", type=Path, help="WAV/FLAC file played as a microphone, in real time")
    source.add_argument("--device", help="input device name (default: the last one used, else the system default)")
    p.add_argument("--channel", type=int, help="use this input channel (0-based) instead of a downmix")
    p.add_argument("--model", type=Path, help="model folder (default: the last one loaded, else models/default)")
    add_lang_arg(p, "language of the window (default: the saved choice, else the system locale) and of messages",
                 default=argparse.SUPPRESS)  # keeps the top-level --lang (None when absent) unless given here
    p.add_argument("--config", type=Path, help="service config (TOML) that the plant-integration page edits "
                   "(default: service.toml in the data folder); the same file kwapp listen --config reads")
    p.set_defaults(run=run_gui)


def run_gui(args) -> int:
    from kwapp.app import run_gui as open_window

    with user_errors():
        return open_window(args)


# --- eval-stream -------------------------------------------------------------------------------


def add_eval_stream_parser(sub) -> None:
    p = sub.add_parser("eval-stream", help="false rejects and false accepts per hour on long streams")
    add_model_arg(p)
    data = default_data_root()
    p.add_argument("--keywords", type=Path, default=data / "speech" / "gsc-v2-dev", help="<label>/<clip> folder with keyword and _unknown_ clips")
    p.add_argument("--held-out-percent", type=float, default=40.0, help="use only the speakers held out at this percent (0: all)")
    p.add_argument("--per-keyword", type=int, default=30, help="clips placed per keyword (and of _unknown_ speech)")
    p.add_argument("--background", type=Path, nargs="+", default=[data / "noise" / "mimii-factory", data / "noise" / "room"], help="noise folders looped under the keywords")
    p.add_argument("--snr", type=float, nargs="+", default=[10.0], help="keyword-to-background SNR in dB, one stream each")
    p.add_argument("--site", type=Path, nargs="+", help="site background recordings only (no keywords placed): FA/h on your floor")
    p.add_argument("--target-fa-per-hour", type=float, default=0.125, help="pick per-keyword thresholds meeting this (0.125 = 1 per 8-hour shift)")
    p.add_argument("--plot", type=Path, help="write a DET plot (PNG)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_eval_stream)


def run_eval_stream(args) -> int:
    from kwapp.train.stream_eval_cli import evaluate_streams

    with user_errors():
        result = evaluate_streams(args)
    if args.json:
        print_json(result)
    else:
        for name, picks in result["thresholds_for_target"].items():
            print_message(msg("{name}: target {target} FA/h", name=name, target=args.target_fa_per_hour), args.language)
            for keyword, p in picks.items():
                frr = msg("n/a") if p["frr"] is None else f"{p['frr']:.3f}"
                line = msg("  {keyword:12s} threshold {threshold:.2f}  FRR {frr}  FA/h {fa_per_hour:.2f}  per 8-h shift {fa_per_shift:.1f}",
                           keyword=keyword, threshold=p["threshold"], frr=frr, fa_per_hour=p["fa_per_hour"],
                           fa_per_shift=p["fa_per_shift"])
                print_message(line, args.language)
    return 0


PARSERS = [add_listen_parser, add_finetune_parser, add_eval_stream_parser, add_train_parser, add_eval_parser, add_export_parser, add_gui_parser]
