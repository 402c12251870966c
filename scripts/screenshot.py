"""Screenshots of the monitoring window: docs/screenshot_en.png and docs/screenshot_ja.png.

Opens the window offscreen on a demo file, lets it run in real time for a few seconds, and saves
the window. Each language gets a fresh window and an empty temporary KWAPP_HOME, so both shots
show the same stretch of audio and no user settings or trigger log leak into them.

Usage: python3 scripts/screenshot.py [--source assets/demo.wav] [--model models/default] [--seconds 7]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

ROOT = Path(__file__).resolve().parent.parent
WINDOW_SIZE_PX = (1400, 860)

log = logging.getLogger("screenshot")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "assets" / "demo.wav", help="audio file to play")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default", help="model folder")
    parser.add_argument("--seconds", type=float, default=7.0, help="seconds of audio played before each shot")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for screenshot_<lang>.png")
    parser.add_argument("--languages", nargs="+", default=["en", "ja"], choices=["en", "ja"])
    return parser.parse_args()


def shoot(source: Path, model: Path, language: str, seconds: float, out: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from kwapp.app import create_window
    from kwapp.pipeline.worker import SourceSpec

    with tempfile.TemporaryDirectory(prefix="kwapp-shot-") as home:
        os.environ["KWAPP_HOME"] = home
        window = create_window(SourceSpec("file", str(source)), model, language)
        window.show()
        window.resize(*WINDOW_SIZE_PX)
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        if not window.grab().save(str(out)):
            raise OSError(f"saving {out} failed; check that the folder is writable")
        window.close()
    log.info("wrote %s", out)


def main() -> int:
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not args.source.is_file():
        print(f"screenshot: audio file {args.source} not found; pass --source FILE", file=sys.stderr)
        return 2
    from kwapp.app import application

    app = application()
    args.out.mkdir(parents=True, exist_ok=True)
    for language in args.languages:
        shoot(args.source, args.model, language, args.seconds, args.out / f"screenshot_{language}.png")
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
