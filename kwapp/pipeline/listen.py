"""`kwapp listen`: headless detection printing events, until a file ends or SIGTERM/Ctrl-C.

With --config, detections also run the plant actions (MQTT, webhook, sound) of that TOML file,
and the station status goes "offline" on a clean stop.
"""

from __future__ import annotations

import logging
import signal
import threading

from kwapp.audio.wavio import AudioFileError
from kwapp.cli import print_json
from kwapp.messages import msg
from kwapp.pipeline.engine import EngineOutput
from kwapp.pipeline.engine import Engine
from kwapp.pipeline.loop import EngineThread

log = logging.getLogger(__name__)


def open_source(args):
    if args.file is not None:
        from kwapp.audio.replay import FileSource

        if not args.file.is_file():
            raise AudioFileError(msg("audio file {path} not found; pass an existing WAV or FLAC file", path=args.file))
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


def open_actions(args, keywords: tuple[str, ...]):
    """Build the ActionService for --config (not started yet), or return None without --config."""
    if getattr(args, "config", None) is None:
        return None
    from kwapp.actions.service import ActionService
    from kwapp.service_config import ServiceConfigError, load_service_config

    config = load_service_config(args.config)
    unknown = config.unknown_keywords(keywords)
    if unknown:
        raise ServiceConfigError(msg("config file {path} has [keywords] tables for {unknown}, which model "
                                     "{model} cannot detect; use some of {keywords} or remove them",
                                     path=args.config, unknown=unknown, model=args.model, keywords=list(keywords)))
    return ActionService(config)


def forward_to(*handlers):
    def handle(out: EngineOutput) -> None:
        for handler in handlers:
            handler(out)

    return handle


def listen(args) -> int:
    engine = Engine.from_folder(args.model)
    actions = open_actions(args, engine.keywords)
    source = open_source(args)
    printer = EventPrinter(args.json)
    thread = EngineThread(source, engine, printer if actions is None else forward_to(printer, actions.handle_output))
    stopping = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        if actions is not None:
            actions.watch_source(source.stats)
            actions.start()  # before the engine, so the broker connection is up when the first event comes
        thread.start()
        while thread.is_alive() and not stopping.is_set():
            thread.join(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        if thread.ident is not None:  # not started when actions.start() failed
            thread.stop()
        if actions is not None:
            actions.stop()
        signal.signal(signal.SIGTERM, previous)
    if thread.error is not None:
        raise thread.error
    if args.file is not None and printer.peak == 0.0:
        raise AudioFileError(msg("audio file {path} contains only digital silence; record or choose a file with speech",
                                 path=args.file))
    log.info("%d detections; source stats %s", printer.count, source.stats)
    return 0
