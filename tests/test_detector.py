"""Detector and MovingAverage: per-keyword threshold, re-arming, refractory time and smoothing."""

import numpy as np
import pytest

from kwapp.config import DetectorConfig
from kwapp.detect.detector import Detector
from kwapp.detect.smoothing import MovingAverage

LABELS = ("yes", "no", "_unknown_", "_silence_")
KEYWORDS = ("yes", "no")
HOP_S = 0.01


def make_detector(**cfg) -> Detector:
    return Detector(LABELS, KEYWORDS, DetectorConfig(**cfg), frame_end_s=lambda frame: (frame + 1) * HOP_S)


def probs_track(segments: list[tuple[float, float]], keyword: str = "yes") -> np.ndarray:
    """Frames of class probabilities: (duration_s, keyword probability) segments, the rest on _silence_."""
    rows = []
    for duration_s, p in segments:
        row = np.zeros(len(LABELS), dtype=np.float32)
        row[LABELS.index(keyword)] = p
        row[LABELS.index("_silence_")] = 1.0 - p
        rows += [row] * int(round(duration_s / HOP_S))
    return np.array(rows)


def run(detector: Detector, track: np.ndarray, first_frame: int = 0) -> list:
    events = []
    for i, row in enumerate(track):
        events += detector.push(row, first_frame + i)[1]
    return events


def test_detector_one_event_per_utterance():
    events = run(make_detector(), probs_track([(0.5, 0.0), (0.4, 0.95), (0.5, 0.0)]))
    assert len(events) == 1
    assert events[0].keyword == "yes"


def test_detector_event_fields():
    detector = make_detector(smoothing_frames=1)
    events = run(detector, probs_track([(0.3, 0.0), (0.2, 0.9)]))
    assert events[0].frame == 30
    assert events[0].t == pytest.approx(0.31)
    assert events[0].score == pytest.approx(0.9)
    assert events[0].threshold == 0.7


def test_detector_long_high_score_fires_once():
    """A score that stays high for longer than the refractory time never re-arms, so it fires once."""
    events = run(make_detector(), probs_track([(0.2, 0.0), (3.0, 0.95), (0.2, 0.0)]))
    assert len(events) == 1


@pytest.mark.parametrize("gap_s", [1.2, 2.0, 3.0])
def test_detector_two_utterances_outside_refractory(gap_s):
    track = probs_track([(0.2, 0.0), (0.3, 0.95), (gap_s - 0.3, 0.0), (0.3, 0.95), (0.5, 0.0)])
    events = run(make_detector(refractory_s=1.0), track)
    assert len(events) == 2
    assert events[1].t - events[0].t == pytest.approx(gap_s, abs=0.02)


@pytest.mark.parametrize("gap_s", [0.3, 0.5, 0.75])
def test_detector_second_utterance_inside_refractory(gap_s):
    """The score drops and the detector re-arms, but a second word that ends within refractory_s is ignored."""
    track = probs_track([(0.2, 0.0), (0.2, 0.95), (gap_s - 0.2, 0.0), (0.2, 0.95), (0.5, 0.0)])
    events = run(make_detector(refractory_s=1.0), track)
    assert len(events) == 1


def test_detector_fires_when_refractory_ends():
    """A re-armed keyword whose score is still high when refractory_s runs out fires at that frame."""
    track = probs_track([(0.2, 0.0), (0.2, 0.95), (0.75, 0.0), (0.4, 0.95), (0.5, 0.0)])
    events = run(make_detector(refractory_s=1.0), track)
    assert len(events) == 2
    assert events[1].t - events[0].t == pytest.approx(1.0, abs=HOP_S + 1e-9)


def test_detector_no_rearm_above_ratio():
    """A dip that stays above threshold * rearm_ratio does not end the utterance."""
    track = probs_track([(0.2, 0.0), (0.3, 0.95), (1.5, 0.4), (0.3, 0.95), (0.2, 0.0)])
    assert len(run(make_detector(rearm_ratio=0.5), track)) == 1


def test_detector_rearm_below_ratio():
    track = probs_track([(0.2, 0.0), (0.3, 0.95), (1.5, 0.3), (0.3, 0.95), (0.2, 0.0)])
    assert len(run(make_detector(rearm_ratio=0.5), track)) == 2


def test_detector_below_threshold_silent():
    assert run(make_detector(), probs_track([(2.0, 0.69)])) == []


def test_detector_single_frame_spike_smoothed_away():
    track = probs_track([(0.5, 0.0), (0.01, 1.0), (0.5, 0.0)])
    assert run(make_detector(smoothing_frames=5), track) == []


def test_detector_per_keyword_threshold():
    detector = Detector(LABELS, KEYWORDS, DetectorConfig(), {"yes": 0.9, "other": 0.1})
    assert detector.thresholds == {"yes": 0.9, "no": 0.7}
    assert run(detector, probs_track([(0.5, 0.85)])) == []


def test_detector_each_keyword_independent():
    detector = make_detector()
    track = np.concatenate([probs_track([(0.3, 0.95)], "yes"), probs_track([(0.3, 0.95)], "no")])
    assert [e.keyword for e in run(detector, track)] == ["yes", "no"]


def test_detector_disabled_keyword():
    detector = make_detector()
    detector.enabled["yes"] = False
    assert run(detector, probs_track([(0.5, 0.95)])) == []


def test_detector_set_threshold():
    detector = make_detector()
    detector.set_threshold("yes", 0.99)
    assert run(detector, probs_track([(0.5, 0.95)])) == []


@pytest.mark.parametrize("value", [0.0, -0.1, 1.5])
def test_detector_threshold_out_of_range(value):
    with pytest.raises(ValueError, match="use a value in"):
        make_detector().set_threshold("yes", value)


def test_detector_threshold_unknown_keyword():
    with pytest.raises(KeyError, match="unknown keyword"):
        make_detector().set_threshold("maybe", 0.5)


def test_detector_reset_clears_refractory():
    detector = make_detector(refractory_s=1.0)
    assert len(run(detector, probs_track([(0.3, 0.95)]))) == 1
    detector.reset()
    assert len(run(detector, probs_track([(0.3, 0.95)]))) == 1


def test_moving_average_start_and_window():
    average = MovingAverage(3, 1)
    outputs = [average.push(np.array([v]))[0] for v in (3.0, 0.0, 0.0, 6.0)]
    assert outputs == [3.0, 1.5, 1.0, 2.0]


def test_moving_average_reset():
    average = MovingAverage(2, 1)
    average.push(np.array([4.0]))
    average.reset()
    assert average.push(np.array([1.0]))[0] == 1.0


def test_moving_average_rejects_zero_window():
    with pytest.raises(ValueError, match="use 1 or more"):
        MovingAverage(0, 2)
