"""`kwapp listen`: headless detection printing events, until a file ends or SIGTERM/Ctrl-C."""

from __future__ import annotations

import logging
import signal
import threading

from kwapp.audio.wavio import AudioFileError
from kwapp.cli import print_json
from kwapp.pipeline.engine import EngineOutput
from kwapp.pipeline.engine import Engine
from kwapp.pipeline.loop import EngineThread

log = logging.getLogger(__name__)


def open_source(args):
    if args.file is not None:
        from kwapp.audio.replay import FileSource

        if not args.file.is_file():
            raise AudioFileError(f"audio file {args.file} not found; pass an existing WAV or FLAC file")
        return FileSource(args.file, realtime=args.realtime, channel=args.channel)
    from kwapp.audio.capture import MicSource
    from kwapp.audio.devices import find_input

    find_input(args.device)  # fail now, with the list of devices, when the name matches nothing
    return MicSource(args.device, channel=args.channel)


class EventPrinter:
    """Prints each detection and keeps the largest sample seen (to reject silence-only files)."""

    def __init__(self, as_json: bool):
        self.as_json = as_json
        self.peak = 0.0
        self.count = 0

    def __call__(self, out: EngineOutput) -> None:
        self.peak = max(self.peak, out.peak)
        for event in out.events:
            self.count += 1
            if self.as_json:
                print_json({"t": round(event.t, 3), "keyword": event.keyword, "score": round(event.score, 4)})
            else:
                print(f"{event.t:9.3f} s  {event.keyword:12s} {event.score:.3f}", flush=True)


def listen(args) -> int:
    engine = Engine.from_folder(args.model)
    source = open_source(args)
    printer = EventPrinter(args.json)
    thread = EngineThread(source, engine, printer)
    stopping = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    thread.start()
    try:
        while thread.is_alive() and not stopping.is_set():
            thread.join(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        thread.stop()
        signal.signal(signal.SIGTERM, previous)
    if thread.error is not None:
        raise thread.error
    if args.file is not None and printer.peak == 0.0:
        raise AudioFileError(f"audio file {args.file} contains only digital silence; record or choose a file with speech")
    log.info("%d detections; source stats %s", printer.count, source.stats)
    return 0
