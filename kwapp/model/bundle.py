"""A model folder: config.json (labels, feature + model config, thresholds, metrics) and its files.

This module imports neither torch nor onnxruntime, so the live engine and the window can read a
folder's description cheaply.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from kwapp.config import FeatureConfig, atomic_write_json, from_dict
from kwapp.messages import message_of, msg
from kwapp.model.config import ModelConfig

CONFIG_NAME = "config.json"
ONNX_NAME = "model.onnx"  # int8 one-frame step
WEIGHTS_NAME = "model.pt"  # float weights, for fine-tuning
FORMAT_VERSION = 1


class ModelFolderError(ValueError):
    """A model folder that is missing, incomplete or inconsistent."""


@dataclasses.dataclass(frozen=True)
class ModelInfo:
    """Description of a model folder, read from its config.json."""

    folder: Path
    labels: tuple[str, ...]
    features: FeatureConfig
    model: ModelConfig
    clip_s: float = 1.0  # training clip length; evaluation pads shorter clips to it
    thresholds: dict[str, float] = dataclasses.field(default_factory=dict)  # keyword -> detection threshold
    metrics: dict[str, Any] = dataclasses.field(default_factory=dict)
    training: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def keywords(self) -> tuple[str, ...]:
        """Labels that can trigger: everything except the _unknown_ and _silence_ classes."""
        return tuple(l for l in self.labels if not (l.startswith("_") and l.endswith("_")))

    @property
    def onnx_path(self) -> Path:
        return self.folder / ONNX_NAME

    @property
    def weights_path(self) -> Path:
        return self.folder / WEIGHTS_NAME

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "labels": list(self.labels),
            "features": dataclasses.asdict(self.features),
            "model": dataclasses.asdict(self.model),
            "clip_s": self.clip_s,
            "thresholds": self.thresholds,
            "metrics": self.metrics,
            "training": self.training,
        }

    def save(self) -> None:
        atomic_write_json(self.folder / CONFIG_NAME, self.to_json())


def load_model_info(folder: Path | str) -> ModelInfo:
    """Read and check a model folder's config.json; raise ModelFolderError with the fix."""
    folder = Path(folder)
    path = folder / CONFIG_NAME
    if not path.is_file():
        raise ModelFolderError(msg("model folder {folder} has no {name}; pass a folder written by 'kwapp train' or "
                                   "'kwapp finetune', such as models/default", folder=folder, name=CONFIG_NAME))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        info = ModelInfo(
            folder=folder,
            labels=tuple(data["labels"]),
            features=from_dict(FeatureConfig, data["features"]),
            model=from_dict(ModelConfig, data["model"]),
            clip_s=float(data.get("clip_s", 1.0)),
            thresholds={k: float(v) for k, v in data.get("thresholds", {}).items()},
            metrics=data.get("metrics", {}),
            training=data.get("training", {}),
        )
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ModelFolderError(msg("invalid {path}: {error}; re-export the model with 'kwapp train' or 'kwapp finetune'",
                                   path=path, error=message_of(exc))) from exc
    if info.model.n_classes != len(info.labels):
        raise ModelFolderError(msg("{path}: the model has {outputs} outputs but {labels} labels; the folder is inconsistent",
                                   path=path, outputs=info.model.n_classes, labels=len(info.labels)))
    if info.model.n_features != info.features.n_features:
        raise ModelFolderError(msg("{path}: model input size {size} does not match the feature size",
                                   path=path, size=info.model.n_features))
    return info
