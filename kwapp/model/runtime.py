"""The one-frame step in ONNX Runtime on one thread: the live engine's model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort

from kwapp.messages import msg
from kwapp.model.bundle import ModelFolderError, ModelInfo, load_model_info


def make_session(path: Path, threads: int = 1) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.set_denormal_as_zero", "1")  # decaying states reach denormals
    options.log_severity_level = 3  # warnings about unused initializers are noise here
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class StepRunner:
    """Steps an exported model one frame at a time and keeps its state (batch 1)."""

    def __init__(self, info: ModelInfo, onnx_path: Path | None = None):
        self.info = info
        path = Path(onnx_path or info.onnx_path)
        if not path.is_file():
            raise ModelFolderError(msg("model folder {folder} has no {name}; run 'kwapp export' to create it",
                                       folder=info.folder, name=path.name))
        self.session = make_session(path)
        self._state_names = [i.name for i in self.session.get_inputs()[1:]]
        self._state_shapes = [tuple(i.shape) for i in self.session.get_inputs()[1:]]
        self.reset()

    @classmethod
    def from_folder(cls, folder: Path | str) -> "StepRunner":
        return cls(load_model_info(folder))

    def reset(self) -> None:
        """Back to the empty state, as at the start of a stream (deterministic, no warm-up)."""
        self.states = [np.zeros(shape, dtype=np.float32) for shape in self._state_shapes]

    def step(self, frame: np.ndarray) -> np.ndarray:
        """Step one feature frame (F,) and return the class probabilities (classes,)."""
        feeds = {"frame": frame.reshape(1, -1).astype(np.float32, copy=False)}
        feeds.update(zip(self._state_names, self.states))
        probs, *self.states = self.session.run(None, feeds)
        return probs[0]

    def run(self, frames: np.ndarray) -> np.ndarray:
        """(L, F) -> (L, classes), continuing from the current state."""
        return np.stack([self.step(f) for f in frames]) if len(frames) else np.zeros((0, len(self.info.labels)), np.float32)
