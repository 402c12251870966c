"""HTTP POST of each event (urllib.request), retried with exponential backoff until it succeeds.

A 2xx response delivers the event. Status codes that mark the payload itself as unacceptable
(REJECT_STATUSES) end its delivery as "rejected", because a retry would send the same bytes and
block every later event. Any other failure (no connection, timeout, 5xx, 401/403, 404) is retried
with a delay doubling from retry_initial_s to retry_max_s, so a wrong URL or token blocks the queue
until the operator fixes it, and the events meanwhile wait in the outbox.
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
import threading
import urllib.error
import urllib.request
from typing import Any

from kwapp import __version__
from kwapp.actions.delivery import DOWN, UP, LinkTracker
from kwapp.service_config import WebhookConfig, redact_url

log = logging.getLogger(__name__)

REJECT_STATUSES = frozenset({400, 413, 415, 422})
OK, RETRY, REJECT = "ok", "retry", "reject"


class WebhookTarget:
    """POSTs events as JSON to one URL; a Target for the webhook outbox."""

    def __init__(self, cfg: WebhookConfig):
        self.cfg = cfg
        self.address = redact_url(cfg.url)  # the URL may carry a token in its query
        self.tracker = LinkTracker("webhook")
        self._context = ssl.create_default_context(cafile=str(cfg.ca_file)) if cfg.ca_file else None
        self.attempts = 0  # POST requests sent since start, retries included

    def post(self, body: bytes) -> tuple[str, str]:
        """Send one POST and return (OK | RETRY | REJECT, detail). The detail never contains headers or the query."""
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": f"kwapp/{__version__}", **self.cfg.headers}
        request = urllib.request.Request(self.cfg.url, data=body, headers=headers, method="POST")
        self.attempts += 1
        try:
            with urllib.request.urlopen(request, timeout=self.cfg.timeout_s, context=self._context) as response:
                response.read()
                return OK, f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            exc.close()
            return (REJECT if exc.code in REJECT_STATUSES else RETRY), f"HTTP {exc.code} {exc.reason}"
        except urllib.error.URLError as exc:
            return RETRY, str(exc.reason)
        except (OSError, http.client.HTTPException) as exc:  # timeouts, resets, malformed responses
            return RETRY, f"{type(exc).__name__}: {exc}"

    def deliver(self, event: dict[str, Any], stop: threading.Event) -> str | None:
        """POST one event until a 2xx or a rejecting status; None when stop is set first."""
        body = json.dumps(event, ensure_ascii=False).encode("utf-8")
        delay_s = self.cfg.retry_initial_s
        failures = 0
        while not stop.is_set():
            result, detail = self.post(body)
            if result == OK:
                self._note_up(failures)
                return "delivered"
            if result == REJECT:
                log.error("webhook %s rejected event %s with %s; it will not be retried, fix the receiver",
                          self.address, event["event_id"], detail)
                return "rejected"
            failures += 1
            self._note_down(detail, event["event_id"], failures, delay_s)
            if stop.wait(delay_s):
                return None
            delay_s = min(2 * delay_s, self.cfg.retry_max_s)
        return None

    def _note_up(self, failures: int) -> None:
        was_down = self.tracker.state == DOWN
        self.tracker.set(UP, self.address)
        if was_down:
            log.info("webhook %s reachable again after %d failed attempt(s)", self.address, failures)

    def _note_down(self, detail: str, event_id: str, failures: int, delay_s: float) -> None:
        changed = self.tracker.set(DOWN, detail)
        # One warning per new error, then one at each power of two so a long outage stays visible but short.
        if changed or failures & (failures - 1) == 0:
            log.warning("webhook POST to %s failed (%s); event %s stays queued, attempt %d, next retry in %.3g s",
                        self.address, detail, event_id, failures, delay_s)
