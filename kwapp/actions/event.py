"""The JSON event that MQTT and the webhook carry for each detection."""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path
from typing import Any

from kwapp.detect.detector import Detection

TEST_KEYWORD = "test"


def local_time_iso() -> str:
    """Local wall-clock time in ISO 8601 with its UTC offset, e.g. 2026-12-04T09:15:02.123+09:00."""
    return datetime.datetime.now().astimezone().isoformat(timespec="milliseconds")


def make_event(detection: Detection, station: str, snippet: Path | str | None = None, test: bool = False,
               event_id: str | None = None) -> dict[str, Any]:
    """Build the payload of one detection. Its event_id (the trigger log's, when given) lets receivers drop duplicates."""
    return {
        "event_id": event_id or uuid.uuid4().hex,
        "station": station,
        "keyword": detection.keyword,
        "score": round(float(detection.score), 4),
        "threshold": round(float(detection.threshold), 4),
        "time": local_time_iso(),
        "stream_t": round(float(detection.t), 3),  # seconds from stream start
        "snippet": None if snippet is None else str(snippet),
        "test": test,  # True for the settings page's test event, so receivers can ignore it
    }


def make_test_event(station: str, keyword: str = TEST_KEYWORD) -> dict[str, Any]:
    return make_event(Detection(keyword, 1.0, 0.0, 0, 1.0), station, test=True)
