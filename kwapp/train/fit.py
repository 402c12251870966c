"""`kwapp train`: class-balanced training of a keyword model on augmented clips, then export and evaluation."""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from pathlib import Path

import os

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

from kwapp.config import FeatureConfig
from kwapp.features.frontend import FeatureExtractor
from kwapp.messages import msg
from kwapp.model.bundle import ModelInfo
from kwapp.model.checkpoint import build_model, load_weights, save_weights
from kwapp.model.config import ModelConfig
from kwapp.model.mamba import selective_scan_chunked, selective_scan_reference
from kwapp.train.augment import AugmentConfig, WaveAugmenter, spec_augment
from kwapp.train.dataset import SILENCE, STANDARD_LABELS, Clip, load_clips, load_noise, scan_folder, split_by_speaker

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """One training run: data, sizes and optimisation."""

    data: tuple[Path, ...]  # folders used for training in full
    dev: Path | None = None  # folder split by speaker: training speakers join, held-out ones evaluate
    noise: tuple[Path, ...] = ()
    out: Path = Path("models/new")
    held_out_percent: float = 40.0
    labels: tuple[str, ...] = STANDARD_LABELS
    clip_s: float = 1.0
    epochs: int = 20
    batch_size: int = 64
    lr: float = 3e-3
    weight_decay: float = 0.01
    label_smoothing: float = 0.1
    seed: int = 0
    max_clips: int = 0  # 0 = all; a small number gives a quick smoke run
    # Share of batches made of two clips back to back, with a loss at the end of each: the second
    # target teaches the streaming model to let go of a keyword once it has passed.
    pair_share: float = 0.0
    init: Path | None = None  # start from this model folder's weights (same architecture and size)


@dataclasses.dataclass
class Splits:
    """Loaded audio: training clips and held-out clips with their label indices."""

    train_audio: np.ndarray
    train_labels: np.ndarray
    test_audio: np.ndarray
    test_labels: np.ndarray
    test_clips: list[Clip]
    noises: list[np.ndarray]
    factory: list[bool]


def gather(cfg: TrainConfig) -> tuple[list[Clip], list[Clip]]:
    """Training and held-out clip lists; the dev folder is split by speaker, never by clip."""
    train = [c for folder in cfg.data for c in scan_folder(folder, cfg.labels)]
    test: list[Clip] = []
    if cfg.dev is not None:
        dev_train, test = split_by_speaker(scan_folder(cfg.dev, cfg.labels), cfg.held_out_percent)
        train += dev_train
    else:
        train, test = split_by_speaker(train, cfg.held_out_percent)
    overlap = {c.speaker for c in train} & {c.speaker for c in test if c.label != SILENCE}
    if overlap:
        raise ValueError(msg("{count} speakers appear in both training and held-out data, e.g. {examples}",
                             count=len(overlap), examples=sorted(overlap)[:3]))
    if cfg.max_clips:
        rng = np.random.default_rng(cfg.seed)
        train = [train[i] for i in sorted(rng.permutation(len(train))[: cfg.max_clips])]
        test = [test[i] for i in sorted(rng.permutation(len(test))[: cfg.max_clips // 4])]
    return train, test


def load_splits(cfg: TrainConfig) -> Splits:
    train, test = gather(cfg)
    n_samples = int(cfg.clip_s * FeatureConfig().sample_rate_hz)
    index = {label: i for i, label in enumerate(cfg.labels)}
    log.info("loading %d training and %d held-out clips", len(train), len(test))
    noises, factory = [], []
    for folder in cfg.noise:
        loaded = load_noise([folder])
        noises += loaded
        factory += ["factory" in str(folder) or "mimii" in str(folder)] * len(loaded)
    return Splits(
        train_audio=load_clips(train, n_samples),
        train_labels=np.array([index[c.label] for c in train]),
        test_audio=load_clips(test, n_samples),
        test_labels=np.array([index[c.label] for c in test]),
        test_clips=test,
        noises=noises,
        factory=factory,
    )


def feature_stats(extractor: FeatureExtractor, audio: np.ndarray, limit: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature mean and std over (a sample of) the training clips."""
    feats = extractor.batch_features(audio[:limit]).reshape(-1, extractor.cfg.n_features)
    return feats.mean(axis=0), feats.std(axis=0) + 1e-5


def balanced_batch(splits: Splits, labels: tuple[str, ...], aug: WaveAugmenter, batch: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw classes uniformly (rare keywords as often as common ones), then one augmented clip each."""
    classes = aug.rng.integers(0, len(labels), size=batch)
    by_class = [np.flatnonzero(splits.train_labels == k) for k in range(len(labels))]
    n_samples = splits.train_audio.shape[1]
    audio = np.zeros((batch, n_samples), dtype=np.float32)
    for i, k in enumerate(classes):
        if labels[k] == SILENCE or len(by_class[k]) == 0:
            audio[i] = aug.silence(n_samples)
            classes[i] = labels.index(SILENCE) if SILENCE in labels else k
        else:
            audio[i] = aug.speech(splits.train_audio[aug.rng.choice(by_class[k])])
    return audio, classes


def pick_scan(device: torch.device):
    """Sequential scan on CPU (measured faster here: allocation-bound big tensors), chunked on GPU."""
    return selective_scan_chunked if device.type == "cuda" else selective_scan_reference


def batch_loss(model, splits, cfg, aug, extractor, device, gen, scan, fill):
    """Cross-entropy at the last frame of each clip; for a pair of clips, at the end of both."""
    audio, classes = balanced_batch(splits, cfg.labels, aug, cfg.batch_size)
    targets = [torch.from_numpy(classes).to(device)]
    if aug.rng.random() < cfg.pair_share:
        second, second_classes = balanced_batch(splits, cfg.labels, aug, cfg.batch_size)
        audio = np.concatenate([audio, second], axis=1)
        targets.append(torch.from_numpy(second_classes).to(device))
    feats = torch.from_numpy(extractor.batch_features(audio))
    feats = spec_augment(feats, fill, AugmentConfig(), gen).to(device)
    logits = model(feats, scan=scan)  # (B, L, classes)
    clip_frames = extractor.n_frames(splits.train_audio.shape[1])
    ends = [clip_frames - 1, logits.shape[1] - 1][: len(targets)]  # the last frame that has heard each clip whole
    if logits.shape[1] == 1:  # a window classifier (KWT): one output for the whole clip, single clips only
        ends = [0]
    return sum(F.cross_entropy(logits[:, e], t, label_smoothing=cfg.label_smoothing) for e, t in zip(ends, targets)) / len(targets)


def train_epoch(model, opt, sched, splits, cfg, aug, extractor, device, gen, world: int = 1) -> float:
    """Run one epoch of balanced batches; with `world` DDP processes each runs its share of the steps."""
    model.train()
    scan = pick_scan(device)
    steps = max(1, len(splits.train_audio) // (cfg.batch_size * world))
    fill = unwrap(model).feat_mean.cpu()
    losses = []
    for _ in range(steps):
        loss = batch_loss(model, splits, cfg, aug, extractor, device, gen, scan, fill)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(float(loss.detach()))
    return float(np.mean(losses))


def unwrap(model):
    """The network inside a DistributedDataParallel wrapper (or the model itself)."""
    return getattr(model, "module", model)


def init_distributed() -> tuple[int, int, torch.device]:
    """Rank, world size and device; starts the process group under torchrun (gloo on CPU, NCCL on GPUs)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if torch.cuda.is_available():
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    else:
        device = torch.device("cpu")
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
        log.info("rank %d of %d on %s", rank, world, device)
    return rank, world, device


@torch.no_grad()
def predict_clips(model, extractor: FeatureExtractor, audio: np.ndarray, device, batch: int = 256) -> np.ndarray:
    """Class index per clip, from the last frame of a whole-clip forward pass."""
    model.eval()
    out = []
    for i in range(0, len(audio), batch):
        feats = torch.from_numpy(extractor.batch_features(audio[i : i + batch])).to(device)
        out.append(model(feats, scan=pick_scan(device))[:, -1].argmax(-1).cpu().numpy())
    return np.concatenate(out) if out else np.zeros(0, dtype=int)


def check_replicas(model) -> float:
    """All-gather every rank's parameters and fail unless the replicas are identical."""
    flat = torch.cat([p.detach().flatten() for p in unwrap(model).parameters()])
    gathered = [torch.zeros_like(flat) for _ in range(dist.get_world_size())]
    dist.all_gather(gathered, flat)
    diff = max(float((g - flat).abs().max()) for g in gathered)
    if diff != 0.0:
        raise RuntimeError(f"DDP replicas diverged: max parameter difference {diff}")
    log.info("DDP replicas agree across %d processes (max parameter difference 0)", len(gathered))
    return diff


def new_model(model_cfg: ModelConfig, extractor: FeatureExtractor, splits: Splits):
    """Build a fresh network with the feature normalisation of the training clips built in."""
    model = build_model(model_cfg)
    mean, std = feature_stats(extractor, splits.train_audio)
    model.feat_mean.copy_(torch.from_numpy(mean))
    model.feat_std.copy_(torch.from_numpy(std))
    return model


def describe(cfg: TrainConfig, model_cfg: ModelConfig, feature_cfg: FeatureConfig, splits: Splits, seconds: float, device, world: int) -> ModelInfo:
    return ModelInfo(
        folder=Path(cfg.out),
        labels=tuple(cfg.labels),
        features=feature_cfg,
        model=model_cfg,
        clip_s=cfg.clip_s,
        thresholds={},
        training={
            "data": [str(p) for p in cfg.data],
            "dev": str(cfg.dev) if cfg.dev else None,
            "held_out_percent": cfg.held_out_percent,
            "noise": [str(p) for p in cfg.noise],
            "epochs": cfg.epochs,
            "batch_size": cfg.batch_size,
            "train_clips": int(len(splits.train_audio)),
            "held_out_clips": int(len(splits.test_audio)),
            "seed": cfg.seed,
            "train_seconds": round(seconds, 1),
            "device": str(device),
            "processes": world,
            "pair_share": cfg.pair_share,
            "init": str(cfg.init) if cfg.init else None,
        },
    )


def fit(cfg: TrainConfig, model_cfg: ModelConfig, splits: Splits | None = None) -> ModelInfo | None:
    """Train and save model.pt and config.json into cfg.out; returns None on DDP ranks other than 0."""
    rank, world, device = init_distributed()
    torch.manual_seed(cfg.seed)  # the same initial weights on every rank
    torch.set_flush_denormal(True)  # decaying SSM states reach denormals, which are ~100x slower on x86
    feature_cfg = FeatureConfig()
    extractor = FeatureExtractor(feature_cfg)
    splits = splits or load_splits(cfg)
    model_cfg = dataclasses.replace(model_cfg, n_features=feature_cfg.n_features, n_classes=len(cfg.labels))
    model = new_model(model_cfg, extractor, splits)
    if cfg.init is not None:
        model.load_state_dict(load_weights(cfg.init)[1].state_dict())
        log.info("starting from the weights of %s", cfg.init)
    model = model.to(device)
    if world > 1:
        model = DDP(model)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps = cfg.epochs * max(1, len(splits.train_audio) // (cfg.batch_size * world))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=steps, pct_start=0.1)
    aug = WaveAugmenter(splits.noises, splits.factory, AugmentConfig(), seed=cfg.seed + rank)  # different batches per rank
    gen = torch.Generator().manual_seed(cfg.seed + rank)
    started = time.perf_counter()
    for epoch in range(cfg.epochs):
        t0 = time.perf_counter()
        loss = train_epoch(model, opt, sched, splits, cfg, aug, extractor, device, gen, world)
        rate = world * max(1, len(splits.train_audio) // (cfg.batch_size * world)) * cfg.batch_size / (time.perf_counter() - t0)
        if rank == 0:
            acc = float(np.mean(predict_clips(unwrap(model), extractor, splits.test_audio, device) == splits.test_labels)) if len(splits.test_audio) else math.nan
            log.info("epoch %d/%d loss %.4f held-out clip accuracy %.4f (%.1f clips/s)", epoch + 1, cfg.epochs, loss, acc, rate)
    if world > 1:
        check_replicas(model)
        dist.destroy_process_group()
    if rank != 0:
        return None
    info = describe(cfg, model_cfg, feature_cfg, splits, time.perf_counter() - started, device, world)
    info.folder.mkdir(parents=True, exist_ok=True)
    save_weights(info, unwrap(model).cpu().eval())
    info.save()
    return info
