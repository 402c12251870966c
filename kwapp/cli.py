"""The `kwapp` command: argument parsing and dispatch to the sub-commands."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from kwapp.messages import localize, message_of, msg, system_language

log = logging.getLogger(__name__)

EXIT_BAD_INPUT = 2
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "default"
LANGUAGES = ("ja", "en")
LANG_HELP = "language of messages (default: the system locale)"


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


def add_lang_arg(parser: argparse.ArgumentParser, help_text: str = LANG_HELP, default=None) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default=default, help=help_text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kwapp", description="Offline keyword-spotting monitor (Keyword Mamba).")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    add_lang_arg(parser)
    sub = parser.add_subparsers(dest="command")

    from kwapp import commands

    for add_parser in commands.PARSERS:
        add_parser(sub)
    for name, command in sub.choices.items():
        # SUPPRESS: without the option after the sub-command, the one before it (or None) stays.
        if name != "gui":  # gui has its own --lang, which also sets the window's language
            add_lang_arg(command, default=argparse.SUPPRESS)
    return parser


def with_default_command(argv: list[str]) -> list[str]:
    """Insert "gui" after the global options when an option or nothing follows them: `kwapp [--source FILE]`."""
    i = 0
    while i < len(argv) and (argv[i] in ("-v", "--verbose", "--lang") or argv[i].startswith("--lang=")):
        i += 2 if argv[i] == "--lang" else 1
    if i > len(argv):
        return argv  # --lang without a value: argparse reports it
    if i == len(argv) or argv[i].startswith("-") and argv[i] not in ("-h", "--help"):
        return [*argv[:i], "gui", *argv[i:]]
    return argv


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(with_default_command(argv))
    setup_logging(args.verbose)
    # Language of messages. `kwapp gui` reads args.lang itself, because None there means the saved choice.
    args.language = args.lang or system_language()
    try:
        return int(args.run(args) or 0)
    except UsageError as exc:
        error = msg("kwapp: error: {message}", message=message_of(exc))
        print(localize(error, args.language), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


def print_message(message: str, language: str) -> None:
    """Print one human-readable output line in `language`."""
    print(localize(message, language), flush=True)


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()
