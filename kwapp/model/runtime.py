"""The one-frame step in ONNX Runtime on one thread: the live engine's model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort

from kwapp.model.bundle import ModelFolderError, ModelInfo, load_model_info


def make_session(path: Path, threads: int = 1) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3  # warnings about unused initializers are noise here
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class StepRunner:
    """Steps an exported model one frame at a time and keeps its state (batch 1)."""

    def __init__(self, info: ModelInfo, onnx_path: Path | None = None):
        self.info = info
        path = Path(onnx_path or info.onnx_path)
        if not path.is_file():
            raise ModelFolderError(f"model folder {info.folder} has no {path.name}; run 'kwapp export' to create it")
        self.session = make_session(path)
        cfg = info.model
        self._conv_shape = (cfg.n_layers, 1, cfg.d_inner, cfg.d_conv - 1)
        self._ssm_shape = (cfg.n_layers, 1, cfg.d_inner, cfg.d_state)
        self.reset()

    @classmethod
    def from_folder(cls, folder: Path | str) -> "StepRunner":
        return cls(load_model_info(folder))

    def reset(self) -> None:
        """Back to the empty state, as at the start of a stream (deterministic, no warm-up)."""
        self.conv_state = np.zeros(self._conv_shape, dtype=np.float32)
        self.ssm_state = np.zeros(self._ssm_shape, dtype=np.float32)

    def step(self, frame: np.ndarray) -> np.ndarray:
        """One feature frame (F,) -> class probabilities (classes,)."""
        probs, self.conv_state, self.ssm_state = self.session.run(
            None,
            {"frame": frame.reshape(1, -1).astype(np.float32, copy=False), "conv_state": self.conv_state, "ssm_state": self.ssm_state},
        )
        return probs[0]

    def run(self, frames: np.ndarray) -> np.ndarray:
        """(L, F) -> (L, classes), continuing from the current state."""
        return np.stack([self.step(f) for f in frames]) if len(frames) else np.zeros((0, len(self.info.labels)), np.float32)
