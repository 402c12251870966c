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
from kwapp.train.fit import TrainConfig, fit, gather

log = logging.getLogger(__name__)


def train_export_evaluate(cfg: TrainConfig, model_cfg: ModelConfig) -> ModelInfo:
    info = fit(cfg, model_cfg)
    _, model = load_weights(info.folder)
    export_model(model, info.onnx_path, int8=True)
    _, held_out = gather(cfg)
    metrics = {}
    if held_out:
        result = evaluate(info, held_out, ("stream_int8", "stream_fp32", "clip_float"))
        metrics = {
            "held_out": {
                "data": f"held-out speakers ({cfg.held_out_percent:g} %) of {cfg.dev or cfg.data}",
                "n": result["n"],
                **result["modes"],
            }
        }
    thresholds = {k: DetectorConfig().default_threshold for k in info.keywords}
    info = dataclasses.replace(info, metrics=metrics, thresholds=thresholds)
    info.save()
    return info
