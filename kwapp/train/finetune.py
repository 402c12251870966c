"""`kwapp finetune`: adapt a model folder to site recordings, new keywords included, without the base data.

Every batch mixes the replay set carried in the model folder (old classes) with augmented site takes
(new and old keywords, site background as noise and as _silence_). A share of the takes of each
label is held out for the before/after comparison.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from kwapp.audio.trim import trim_to_speech
from kwapp.audio.wavio import AUDIO_SUFFIXES, read_audio
from kwapp.features.frontend import FeatureExtractor
from kwapp.messages import msg
from kwapp.model.bundle import ModelInfo
from kwapp.model.checkpoint import build_model, load_weights, save_weights
from kwapp.model.export import export_model
from kwapp.model.mamba import selective_scan_reference
from kwapp.train.augment import AugmentConfig, WaveAugmenter, spec_augment
from kwapp.train.dataset import NOISE_LABELS, SILENCE, UNKNOWN
from kwapp.train.replay import load_replay, save_replay

log = logging.getLogger(__name__)

BACKGROUND_FOLDERS = NOISE_LABELS | {"_background_"}


class Cancelled(Exception):
    """The user cancelled a fine-tune; nothing was written."""


@dataclasses.dataclass(frozen=True)
class FinetuneConfig:
    """One fine-tune: base folder, site data folders and the optimisation budget."""

    model: Path
    data: tuple[Path, ...]
    out: Path
    steps: int = 80
    batch_size: int = 32
    lr: float = 2e-3
    held_out_fraction: float = 0.3  # of each label's takes, at least one when a label has 3 or more
    keep_keywords: bool = True  # False: old keywords become _unknown_ (a model for the new words only)
    trainable_blocks: int | None = None  # train only this many top blocks (and the head); None: the whole model
    seed: int = 0


@dataclasses.dataclass
class SiteData:
    """Site takes by label (trimmed to the clip length), held-out takes and background recordings."""

    train: dict[str, list[np.ndarray]]
    held_out: dict[str, list[np.ndarray]]
    background: list[np.ndarray]


def read_site_folders(folders: tuple[Path, ...], n_samples: int) -> tuple[dict[str, list[np.ndarray]], list[np.ndarray]]:
    """Takes per label folder and whole background recordings; raises when nothing is usable."""
    takes: dict[str, list[np.ndarray]] = {}
    background: list[np.ndarray] = []
    for root in folders:
        if not Path(root).is_dir():
            raise FileNotFoundError(msg("data folder {root} not found; pass folders with <label>/<clip>.wav sub-folders", root=root))
        for label_dir in sorted(p for p in Path(root).iterdir() if p.is_dir()):
            files = sorted(p for p in label_dir.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
            if label_dir.name in BACKGROUND_FOLDERS:
                background += [read_audio(p) for p in files]
            else:
                takes.setdefault(label_dir.name, []).extend(trim_to_speech(read_audio(p), n_samples) for p in files)
    takes = {k: v for k, v in takes.items() if v}
    if not takes:
        raise ValueError(msg("no takes found in {folders}; record takes into <label>/ sub-folders first", folders=[str(f) for f in folders]))
    return takes, background


def split_takes(takes: dict[str, list[np.ndarray]], fraction: float, seed: int) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    train, held = {}, {}
    for label, clips in takes.items():
        order = rng.permutation(len(clips))
        n_held = max(1, round(fraction * len(clips))) if fraction > 0 and len(clips) >= 3 else 0
        held[label] = [clips[i] for i in order[:n_held]]
        train[label] = [clips[i] for i in order[n_held:]]
    return train, held


def new_label_list(base: ModelInfo, site_labels: list[str], keep_keywords: bool) -> tuple[str, ...]:
    """Old keywords (when kept), then new labels, then _unknown_ and _silence_ last."""
    specials = [l for l in (UNKNOWN, SILENCE) if l in base.labels]
    old = [l for l in base.labels if l not in specials] if keep_keywords else []
    new = [l for l in sorted(site_labels) if l not in old and l not in specials]
    return tuple(old + new + specials)


def grow_model(base_model, base: ModelInfo, labels: tuple[str, ...]):
    """Copy every weight; head rows of labels the base knew are copied, new rows start small."""
    cfg = dataclasses.replace(base.model, n_classes=len(labels))
    model = build_model(cfg)
    state = {k: v for k, v in base_model.state_dict().items() if not k.startswith("head.")}
    model.load_state_dict(state, strict=False)
    with torch.no_grad():
        model.head.weight.mul_(0.1)
        model.head.bias.zero_()
        for i, label in enumerate(labels):
            if label in base.labels:
                j = base.labels.index(label)
                model.head.weight[i] = base_model.head.weight[j]
                model.head.bias[i] = base_model.head.bias[j]
    return model


def site_batch(site: SiteData, labels: tuple[str, ...], aug: WaveAugmenter, n: int, n_samples: int):
    """Draw site labels uniformly (plus _silence_ from the background), one augmented take each."""
    choices = sorted(site.train) + ([SILENCE] if site.background and SILENCE in labels else [])
    choices = [c for c in choices if c == SILENCE or site.train[c]]
    audio = np.zeros((n, n_samples), dtype=np.float32)
    targets = np.zeros(n, dtype=int)
    for i in range(n):
        label = choices[aug.rng.integers(len(choices))]
        audio[i] = aug.silence(n_samples) if label == SILENCE else aug.speech(site.train[label][aug.rng.integers(len(site.train[label]))])
        targets[i] = labels.index(label)
    return audio, targets


def replay_targets(replay_labels: list[str], labels: tuple[str, ...]) -> np.ndarray:
    """Replay label strings -> indices; keywords dropped from the model count as _unknown_."""
    return np.array([labels.index(l) if l in labels else labels.index(UNKNOWN) for l in replay_labels], dtype=int)


def trainable_parameters(model, trainable_blocks: int | None) -> list[torch.nn.Parameter]:
    """Freeze the input layer and the lower blocks when only the top `trainable_blocks` blocks train.

    Frozen layers record no autograd graph, so each step costs less than a whole-model step.
    """
    if trainable_blocks is not None:
        frozen = [model.embed, *model.blocks[: max(0, len(model.blocks) - trainable_blocks)]]
        for module in frozen:
            module.requires_grad_(False)
    return [p for p in model.parameters() if p.requires_grad]


def train_steps(model, cfg: FinetuneConfig, site: SiteData, replay: np.ndarray, replay_y: np.ndarray,
                labels: tuple[str, ...], extractor: FeatureExtractor, n_samples: int,
                progress: Callable[[int, int, float], None] | None, cancel: threading.Event | None) -> None:
    aug = WaveAugmenter(site.background, [True] * len(site.background), AugmentConfig(), seed=cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    opt = torch.optim.AdamW(trainable_parameters(model, cfg.trainable_blocks), lr=cfg.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=cfg.steps)
    started = time.perf_counter()
    n_site = cfg.batch_size // 2
    model.train()
    for step in range(cfg.steps):
        if cancel is not None and cancel.is_set():
            raise Cancelled("fine-tune cancelled")
        audio, site_y = site_batch(site, labels, aug, n_site, n_samples)
        pick = aug.rng.integers(0, len(replay), size=cfg.batch_size - n_site)
        site_feats = extractor.batch_features(audio)
        length = min(site_feats.shape[1], replay.shape[1])
        feats = torch.from_numpy(np.concatenate([site_feats[:, -length:], replay[pick][:, -length:]]))
        feats = spec_augment(feats, model.feat_mean, AugmentConfig(), gen)
        targets = torch.from_numpy(np.concatenate([site_y, replay_y[pick]]))
        loss = F.cross_entropy(model(feats, scan=selective_scan_reference)[:, -1], targets, label_smoothing=0.1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if progress is not None:
            elapsed = time.perf_counter() - started
            progress(step + 1, cfg.steps, elapsed / (step + 1) * (cfg.steps - step - 1))
    model.eval()


def takes_accuracy(info: ModelInfo, held: dict[str, list[np.ndarray]]) -> dict[str, dict]:
    """Per label: share of held-out takes the streamed int8 model classifies as that label."""
    from kwapp.model.runtime import StepRunner
    from kwapp.train.evaluate import stream_predictions

    runner, extractor = StepRunner(info), FeatureExtractor(info.features)
    out = {}
    for label, clips in held.items():
        if not clips:
            continue
        pred = stream_predictions(runner, extractor, clips)
        hits = sum(1 for p in pred if info.labels[p] == label)
        out[label] = {"accuracy": hits / len(clips), "n": len(clips)}
    return out


def false_accepts_per_hour(info: ModelInfo, background: list[np.ndarray]) -> dict:
    """Detections per hour of site background, per keyword, through the real streaming engine."""
    from kwapp.pipeline.engine import Engine

    seconds = sum(len(b) for b in background) / info.features.sample_rate_hz
    counts = dict.fromkeys(info.keywords, 0)
    engine = Engine(info)
    for recording in background:
        engine.reset()
        for out in (engine.process(recording), engine.flush()):
            for event in out.events:
                counts[event.keyword] += 1
    hours = seconds / 3600
    return {"background_s": round(seconds, 1), "per_keyword": {k: (c / hours if hours else None) for k, c in counts.items()}}


def compare(base: ModelInfo, new: ModelInfo, site: SiteData) -> dict:
    """Before/after figures on the held-out takes and the site background."""
    result = {"held_out_takes": {"before": takes_accuracy(base, site.held_out), "after": takes_accuracy(new, site.held_out)}}
    if site.background:
        result["false_accepts_per_hour"] = {"before": false_accepts_per_hour(base, site.background),
                                            "after": false_accepts_per_hour(new, site.background)}
    return result


def write_folder(cfg: FinetuneConfig, base: ModelInfo, model, labels, site: SiteData, replay, replay_labels, extractor, seconds: float) -> ModelInfo:
    """Write the new folder under a temporary name and rename it into place (all or nothing)."""
    import shutil
    import tempfile

    out = Path(cfg.out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(msg("output folder {out} already exists and is not empty; choose a new --out folder", out=out))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        info = ModelInfo(folder=tmp, labels=labels, features=base.features, model=model.cfg, clip_s=base.clip_s,
                         thresholds={k: base.thresholds.get(k, 0.7) for k in labels if not k.startswith("_")},
                         training={"finetuned_from": str(base.folder), "data": [str(d) for d in cfg.data],
                                   "steps": cfg.steps, "trainable_blocks": cfg.trainable_blocks,
                                   "seconds": round(seconds, 1),
                                   "takes": {k: len(v) for k, v in site.train.items()}, "seed": cfg.seed})
        save_weights(info, model)
        export_model(model, info.onnx_path, int8=True)
        site_feats = [extractor.clip_features(c) for clips in site.train.values() for c in clips]
        site_names = [label for label, clips in site.train.items() for _ in clips]
        if site_feats:
            length = min(replay.shape[1], site_feats[0].shape[0])
            replay = np.concatenate([replay[:, -length:], np.stack(site_feats)[:, -length:]])
        save_replay(tmp, replay, list(replay_labels) + site_names)
        info = dataclasses.replace(info, metrics={"finetune": compare(base, info, site)})
        info.save()
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dataclasses.replace(info, folder=out)


def finetune(cfg: FinetuneConfig, progress: Callable[[int, int, float], None] | None = None,
             cancel: threading.Event | None = None) -> ModelInfo:
    """Fine-tune cfg.model on the site folders and write cfg.out; returns the new folder's description."""
    started = time.perf_counter()
    torch.manual_seed(cfg.seed)
    torch.set_flush_denormal(True)  # decaying SSM states reach denormals, which are ~100x slower on x86
    base, base_model = load_weights(cfg.model)
    replay, replay_labels = load_replay(cfg.model)
    extractor = FeatureExtractor(base.features)
    n_samples = int(base.clip_s * base.features.sample_rate_hz)
    takes, background = read_site_folders(cfg.data, n_samples)
    train, held = split_takes(takes, cfg.held_out_fraction, cfg.seed)
    site = SiteData(train, held, background)
    labels = new_label_list(base, list(takes), cfg.keep_keywords)
    model = grow_model(base_model, base, labels)
    replay_y = replay_targets(replay_labels, labels)
    log.info("fine-tuning %s for labels %s on %d takes", base.folder, labels, sum(len(v) for v in train.values()))
    train_steps(model, cfg, site, replay, replay_y, labels, extractor, n_samples, progress, cancel)
    kept_labels = [l if l in labels else UNKNOWN for l in replay_labels]
    return write_folder(cfg, base, model, labels, site, replay, kept_labels, extractor, time.perf_counter() - started)
