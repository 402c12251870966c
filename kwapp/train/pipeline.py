"""Train, export the int8 step model, evaluate on the held-out speakers and record the metrics."""

from __future__ import annotations

import dataclasses
import logging

from kwapp.config import DetectorConfig
from kwapp.model.bundle import ModelInfo
from kwapp.model.checkpoint import load_weights
from kwapp.model.config import ModelConfig
from kwapp.model.export import export_model
from kwapp.train.evaluate import evaluate
from kwapp.features.frontend import FeatureExtractor
from kwapp.train.augment import AugmentConfig, WaveAugmenter
from kwapp.train.fit import Splits, TrainConfig, fit, gather, load_splits
from kwapp.train.replay import build_replay, save_replay

log = logging.getLogger(__name__)


def write_replay(cfg: TrainConfig, info: ModelInfo, splits: Splits) -> None:
    """Store augmented training examples in the folder for later fine-tuning on a site PC."""
    aug = WaveAugmenter(splits.noises, splits.factory, AugmentConfig(), seed=cfg.seed + 1)
    feats, names = build_replay(splits, info.labels, aug, FeatureExtractor(info.features))
    save_replay(info.folder, feats, names)


def train_export_evaluate(cfg: TrainConfig, model_cfg: ModelConfig) -> ModelInfo | None:
    splits = load_splits(cfg)
    info = fit(cfg, model_cfg, splits)
    if info is None:  # a DDP rank other than 0: rank 0 writes the folder
        return None
    write_replay(cfg, info, splits)
    _, model = load_weights(info.folder)
    export_model(model, info.onnx_path, int8=True)
    _, held_out = gather(cfg)
    metrics = {}
    if held_out:
        result = evaluate(info, held_out, ("stream_int8", "stream_fp32", "clip_float"))
        metrics = {
            "held_out": {
                "data": f"held-out speakers ({cfg.held_out_percent:g} %) of {cfg.dev or ', '.join(map(str, cfg.data))}",
                "n": result["n"],
                **result["modes"],
            }
        }
    thresholds = {k: DetectorConfig().default_threshold for k in info.keywords}
    info = dataclasses.replace(info, metrics=metrics, thresholds=thresholds)
    info.save()
    return info
