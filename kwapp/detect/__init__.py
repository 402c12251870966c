"""Per-keyword smoothing, thresholds and refractory time: probabilities in, one event per utterance out."""

from kwapp.detect.detector import Detection, Detector

__all__ = ["Detection", "Detector"]
