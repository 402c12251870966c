"""The streaming engine: 16 kHz blocks in; spectrogram columns, keyword scores and events out.

Qt-free, single-threaded and deterministic: the same samples in any block sizes give the same
scores and events (tested). Threads (the headless listener, the window's worker) drive it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from kwapp.config import DetectorConfig
from kwapp.detect.detector import Detection, Detector
from kwapp.features.frontend import FeatureExtractor, StreamingFrontend
from kwapp.model.bundle import ModelInfo, load_model_info
from kwapp.model.runtime import StepRunner

FLUSH_S = 0.5  # zeros appended at the end of a file so a keyword at its very end can still fire
LEVEL_FLOOR_DBFS = -120.0


@dataclasses.dataclass
class EngineOutput:
    """Output of one processed block; the arrays are empty when the block completed no frame."""

    first_frame: int  # stream index of the first row below
    logmel: np.ndarray  # (n, n_mels) natural-log mel power, for the spectrogram
    scores: np.ndarray  # (n, keywords) smoothed keyword probabilities
    events: list[Detection]
    level_dbfs: float  # RMS level of the block
    peak: float  # max |sample| of the block
    clipped: int  # samples at or beyond full scale


def level_dbfs(block: np.ndarray) -> float:
    if len(block) == 0:
        return LEVEL_FLOOR_DBFS
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
    return max(LEVEL_FLOOR_DBFS, 20.0 * np.log10(rms + 1e-12))


class Engine:
    """Features + ONNX model step + detector, with its state; one instance per stream."""

    def __init__(self, info: ModelInfo, detector_cfg: DetectorConfig | None = None):
        self.info = info
        self.extractor = FeatureExtractor(info.features)
        self.frontend = StreamingFrontend(self.extractor)
        self.runner = StepRunner(info)
        cfg = info.features
        self.detector = Detector(
            info.labels, info.keywords, detector_cfg or DetectorConfig(), info.thresholds,
            frame_end_s=lambda frame: (frame * cfg.hop_samples + cfg.window_samples) / cfg.sample_rate_hz,
        )
        self.samples_in = 0

    @classmethod
    def from_folder(cls, folder: Path | str, detector_cfg: DetectorConfig | None = None) -> "Engine":
        return cls(load_model_info(folder), detector_cfg)

    @property
    def keywords(self) -> tuple[str, ...]:
        return self.info.keywords

    def reset(self) -> None:
        """Back to the state of a new stream: no random warm-up, nothing carried over."""
        self.frontend.reset()
        self.runner.reset()
        self.detector.reset()
        self.samples_in = 0

    def process(self, block: np.ndarray) -> EngineOutput:
        """Feed float32 16 kHz mono samples (any count, including zero)."""
        block = np.asarray(block, dtype=np.float32)
        first = self.frontend.frames_out
        feats, logmel = self.frontend.push(block)
        scores = np.zeros((len(feats), len(self.keywords)), dtype=np.float32)
        events: list[Detection] = []
        for i, frame in enumerate(feats):
            probs = self.runner.step(frame)
            scores[i], fired = self.detector.push(probs, first + i)
            events += fired
        self.samples_in += len(block)
        peak = float(np.max(np.abs(block))) if len(block) else 0.0
        return EngineOutput(first, logmel, scores, events, level_dbfs(block), peak, int(np.count_nonzero(np.abs(block) >= 1.0)))

    def flush(self) -> EngineOutput:
        """End of a finite stream: complete the last frames with FLUSH_S of zeros."""
        return self.process(np.zeros(int(FLUSH_S * self.info.features.sample_rate_hz), dtype=np.float32))
