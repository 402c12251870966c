"""Clip accuracy of a model folder: whole-clip (torch, float) and streamed frame by frame (ONNX Runtime)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import numpy as np

from kwapp.audio.wavio import fit_length, read_audio
from kwapp.features.frontend import FeatureExtractor
from kwapp.model.bundle import ModelInfo
from kwapp.model.runtime import StepRunner
from kwapp.train.dataset import SILENCE, Clip

log = logging.getLogger(__name__)


def clip_audio(clips: list[Clip], info: ModelInfo) -> list[np.ndarray]:
    """Clips padded to at least the model's clip length; longer clips stay whole."""
    n_min = int(info.clip_s * info.features.sample_rate_hz)
    out = []
    for clip in clips:
        audio = read_audio(clip.path)
        out.append(fit_length(audio, max(n_min, len(audio))))
    return out


def stream_predictions(runner: StepRunner, extractor: FeatureExtractor, audio: list[np.ndarray]) -> np.ndarray:
    """Class per clip from the last frame, each clip stepped frame by frame from an empty state."""
    preds = []
    for samples in audio:
        runner.reset()
        probs = runner.run(extractor.clip_features(samples))
        preds.append(int(np.argmax(probs[-1])))
    return np.array(preds, dtype=int)


def clip_predictions(info: ModelInfo, extractor: FeatureExtractor, audio: list[np.ndarray]) -> np.ndarray:
    """Class per clip from the float model over the whole clip (needs model.pt and torch)."""
    import torch

    from kwapp.model.checkpoint import load_weights

    _, model = load_weights(info.folder)
    preds = []
    with torch.no_grad():
        for samples in audio:
            feats = torch.from_numpy(extractor.clip_features(samples))[None]
            preds.append(int(model(feats)[0, -1].argmax()))
    return np.array(preds, dtype=int)


def summarize(labels: tuple[str, ...], truth: np.ndarray, pred: np.ndarray) -> dict:
    """Accuracy, per-class accuracy, accuracy without _silence_, and the confusion matrix (rows: truth)."""
    n = len(labels)
    confusion = np.zeros((n, n), dtype=int)
    np.add.at(confusion, (truth, pred), 1)
    per_class = {l: float(confusion[i, i] / confusion[i].sum()) for i, l in enumerate(labels) if confusion[i].sum()}
    speech = truth != labels.index(SILENCE) if SILENCE in labels else np.ones_like(truth, bool)
    return {
        "accuracy": float(np.mean(truth == pred)) if len(truth) else float("nan"),
        "accuracy_without_silence": float(np.mean(truth[speech] == pred[speech])) if speech.any() else float("nan"),
        "n": int(len(truth)),
        "per_class": per_class,
        "confusion": {"labels": list(labels), "matrix": confusion.tolist()},
    }


def export_fp32_copy(info: ModelInfo, folder: Path) -> Path:
    """Export model.pt as float32 ONNX, to measure what int8 quantization costs."""
    from kwapp.model.checkpoint import load_weights
    from kwapp.model.export import export_model

    _, model = load_weights(info.folder)
    return export_model(model, folder / "fp32.onnx", int8=False)


def evaluate(info: ModelInfo, clips: list[Clip], modes: tuple[str, ...] = ("stream_int8", "clip_float")) -> dict:
    """Metrics per mode; the first mode's figures are also at the top level of the result."""
    extractor = FeatureExtractor(info.features)
    audio = clip_audio(clips, info)
    truth = np.array([info.labels.index(c.label) for c in clips], dtype=int)
    results = {}
    for mode in modes:
        if mode == "stream_int8":
            pred = stream_predictions(StepRunner(info), extractor, audio)
        elif mode == "stream_fp32":
            with tempfile.TemporaryDirectory() as tmp:
                pred = stream_predictions(StepRunner(info, export_fp32_copy(info, Path(tmp))), extractor, audio)
        elif mode == "clip_float":
            pred = clip_predictions(info, extractor, audio)
        else:
            raise ValueError(f"unknown evaluation mode {mode!r}; use stream_int8, stream_fp32 or clip_float")
        results[mode] = summarize(info.labels, truth, pred)
        log.info("%s: accuracy %.4f on %d clips", mode, results[mode]["accuracy"], len(truth))
    top = dict(results[modes[0]])
    top["mode"] = modes[0]
    top["modes"] = {m: {k: r[k] for k in ("accuracy", "accuracy_without_silence", "per_class")} for m, r in results.items()}
    return top
