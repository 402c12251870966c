"""Station status from source counters: online, degraded for a hold time after drops, mic_lost."""

from __future__ import annotations

from kwapp.audio.source import SourceStats
from kwapp.pipeline.station import StationMonitor


def test_station_online_without_drops():
    monitor = StationMonitor(degraded_hold_s=5.0)
    assert monitor.update(SourceStats(), 0, now_s=0.0) == "online"


def test_station_overflow_degrades_for_hold():
    monitor, stats = StationMonitor(degraded_hold_s=5.0), SourceStats()
    monitor.update(stats, 0, now_s=0.0)
    stats.overflows = 1
    assert monitor.update(stats, 0, now_s=1.0) == "degraded"
    assert monitor.update(stats, 0, now_s=5.9) == "degraded"
    assert monitor.update(stats, 0, now_s=6.1) == "online"


def test_station_dropped_frames_degrade():
    monitor, stats = StationMonitor(degraded_hold_s=5.0), SourceStats()
    monitor.update(stats, 0, now_s=0.0)
    stats.dropped_frames = 480
    assert monitor.update(stats, 0, now_s=1.0) == "degraded"


def test_station_other_drops_degrade():
    monitor = StationMonitor(degraded_hold_s=5.0)
    monitor.update(SourceStats(), 0, now_s=0.0)
    assert monitor.update(SourceStats(), 2, now_s=1.0) == "degraded"


def test_station_mic_lost_wins():
    monitor = StationMonitor(degraded_hold_s=5.0)
    assert monitor.update(SourceStats(overflows=3, mic_lost=True), 0, now_s=0.0) == "mic_lost"


def test_station_new_source_not_degraded():
    """A replacement source starts its counters at zero; lower counts are no drop."""
    monitor = StationMonitor(degraded_hold_s=5.0)
    monitor.update(SourceStats(overflows=4), 0, now_s=0.0)
    assert monitor.update(SourceStats(), 0, now_s=10.0) == "online"


def test_station_without_source():
    assert StationMonitor(degraded_hold_s=5.0).update(None, 0, now_s=0.0) == "online"
