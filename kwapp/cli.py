"""The `kwapp` command: argument parsing and dispatch to the sub-commands."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

EXIT_BAD_INPUT = 2
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "default"


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def default_data_root() -> Path:
    """KWAPP_DATA, else ../shared/data beside the project root."""
    return Path(os.environ.get("KWAPP_DATA", Path(__file__).resolve().parent.parent.parent / "shared" / "data"))


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("onnxscript", "torch.onnx", "onnx_ir", "matplotlib", "PIL"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def add_model_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="model folder (default: models/default)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kwapp", description="Offline keyword-spotting monitor (Keyword Mamba).")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command")

    from kwapp import commands

    for add_parser in commands.PARSERS:
        add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv or argv[0].startswith("--") and argv[0] not in ("--help", "--verbose"):
        argv = ["gui", *argv]  # `kwapp [--source FILE]` opens the window
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    try:
        return int(args.run(args) or 0)
    except UsageError as exc:
        print(f"kwapp: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()
