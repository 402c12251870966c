"""Data gathering for `kwapp eval-stream`: keyword clips, backgrounds and the per-SNR runs."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from kwapp.audio.wavio import AUDIO_SUFFIXES, read_audio
from kwapp.messages import msg
from kwapp.model.bundle import load_model_info
from kwapp.train.dataset import UNKNOWN, is_held_out, scan_folder
from kwapp.train.stream_eval import Stream, build_stream, pick_thresholds, plot_det, stream_scores, sweep

log = logging.getLogger(__name__)


def recordings(folders: list[Path]) -> list[np.ndarray]:
    out = []
    for folder in folders:
        if not Path(folder).is_dir():
            raise FileNotFoundError(msg("folder {folder} not found; pass a folder of WAV/FLAC recordings", folder=folder))
        out += [read_audio(p) for p in sorted(Path(folder).rglob("*")) if p.suffix.lower() in AUDIO_SUFFIXES]
    if not out:
        raise ValueError(msg("no recordings found in {folders}", folders=[str(f) for f in folders]))
    return out


def keyword_clips(args, info, rng) -> list[tuple[str, np.ndarray]]:
    """Up to --per-keyword clips of each keyword and of _unknown_ speech, shuffled."""
    clips = scan_folder(args.keywords, info.labels)
    if args.held_out_percent:
        clips = [c for c in clips if is_held_out(c.speaker, args.held_out_percent)]
    chosen = []
    for label in (*info.keywords, UNKNOWN):
        pool = [c for c in clips if c.label == label]
        for i in rng.permutation(len(pool))[: args.per_keyword]:
            chosen.append((label, read_audio(pool[i].path)))
    order = rng.permutation(len(chosen))
    return [chosen[i] for i in order]


def evaluate_streams(args) -> dict:
    info = load_model_info(args.model)
    rng = np.random.default_rng(args.seed)
    streams: dict[str, Stream] = {}
    if args.site:
        streams["site background"] = Stream(np.concatenate(recordings(args.site)), [], info.features.sample_rate_hz)
    else:
        background = np.concatenate(recordings(args.background))
        clips = keyword_clips(args, info, rng)
        for snr in args.snr:
            streams[f"keywords at {snr:g} dB SNR"] = build_stream(clips, background, snr, rng)
    result = {"model": str(info.folder), "curves": {}, "thresholds_for_target": {}, "hours": {},
              "data": "site recordings " + ", ".join(map(str, args.site)) if args.site else
              f"{args.keywords} (speakers held out at {args.held_out_percent:g} %) over {', '.join(map(str, args.background))}"}
    for name, stream in streams.items():
        log.info("running the engine over %s (%.2f h)", name, stream.hours)
        curves = sweep(info, stream, stream_scores(info, stream.audio))
        result["curves"][name] = curves
        result["hours"][name] = stream.hours
        result["thresholds_for_target"][name] = pick_thresholds(curves, args.target_fa_per_hour)
        if args.plot:
            path = args.plot if len(streams) == 1 else args.plot.with_name(f"{args.plot.stem}_{len(result['hours'])}{args.plot.suffix}")
            plot_det(curves, path, f"{Path(info.folder).name}: {name}")
    return result
