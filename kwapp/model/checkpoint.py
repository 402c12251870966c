"""Float weights (model.pt) saved with the configs they need, and rebuilt from them."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import torch

from kwapp.config import atomic_write_bytes
from kwapp.messages import msg
from kwapp.model.bundle import ModelFolderError, ModelInfo, load_model_info
from kwapp.model.config import ModelConfig


def build_model(cfg: ModelConfig) -> torch.nn.Module:
    """Build the network for an architecture name."""
    if cfg.arch in ("mamba", "mamba_t"):
        from kwapp.model.kws import KeywordMamba

        return KeywordMamba(cfg)
    if cfg.arch == "kwt":
        from kwapp.model.kwt import KeywordTransformer

        return KeywordTransformer(cfg)
    raise ValueError(msg("unknown architecture {arch!r}; use mamba, mamba_t or kwt", arch=cfg.arch))


def save_weights(info: ModelInfo, model: torch.nn.Module) -> None:
    """Write model.pt with the model config and labels, so it can be rebuilt without config.json."""
    payload = {
        "model_config": dataclasses.asdict(info.model),
        "labels": list(info.labels),
        "state_dict": model.state_dict(),
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    atomic_write_bytes(info.weights_path, buffer.getvalue())


def load_weights(folder: Path | str) -> tuple[ModelInfo, torch.nn.Module]:
    """Rebuild the float model of a folder; reject weights that do not match config.json."""
    info = load_model_info(folder)
    if not info.weights_path.is_file():
        raise ModelFolderError(msg("model folder {folder} has no {name}; it cannot be fine-tuned or exported",
                                   folder=info.folder, name=info.weights_path.name))
    payload = torch.load(info.weights_path, map_location="cpu", weights_only=True)
    if ModelConfig(**payload["model_config"]) != info.model or tuple(payload["labels"]) != info.labels:
        raise ModelFolderError(msg("{weights} was saved for another model config or label list than {folder}/config.json",
                                   weights=info.weights_path, folder=info.folder))
    model = build_model(info.model)
    model.load_state_dict(payload["state_dict"])
    return info, model.eval()
