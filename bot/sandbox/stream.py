"""The demo stream: the synthetic generator's leads and events, sent to the bot's ingest API
over HTTP with an API key, as a website's tracking would send them, at a pace a person can
follow, so MQL alerts keep arriving while they triage.

Leads likely to become MQLs alternate with the rest, so an alert arrives every few leads
rather than in one burst at the start. The leads are made once, ending at the sandbox's time
when the stream starts; each is sent with its events moved on by the time that has passed on
the sandbox's clock since (advanced days included), so a lead's latest events are recent.
"""

from __future__ import annotations

import csv
import logging
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bot.ingest.event_map import DEFAULT_MAP
from bot.sample.generator import generate

log = logging.getLogger(__name__)
PACE = 2.0  # seconds between two leads
LEADS, DAYS = 300, 21
_PROPERTIES = ("url", "asset_type", "asset", "form", "campaign")


def _api_names() -> dict[str, str]:
    """One ingest API event name per event type (the first the default map lists)."""
    names: dict[str, str] = {}
    for name, target in DEFAULT_MAP.items():
        if not target.properties:
            names.setdefault(target.type, name)
    return names


def interleaved(ranked: list[str]) -> list[str]:
    """The best, the worst, the second best, the second worst…"""
    out, low, high = [], 0, len(ranked) - 1
    while low <= high:
        out.append(ranked[low])
        if low != high:
            out.append(ranked[high])
        low, high = low + 1, high - 1
    return out


def calls(folder: Path) -> list[dict[str, Any]]:
    """One ingest batch per lead, in the order they are to be sent."""
    names = _api_names()
    with (folder / "truth.csv").open(encoding="utf-8") as f:
        propensity = {row["email"]: float(row["propensity"]) for row in csv.DictReader(f)}
    with (folder / "leads.csv").open(encoding="utf-8") as f:
        leads = {row["email"]: row for row in csv.DictReader(f)}
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with (folder / "events.csv").open(encoding="utf-8") as f:
        for number, row in enumerate(csv.DictReader(f)):
            properties = {k: row[k] for k in _PROPERTIES if row.get(k)}
            events[row["email"]].append(
                {
                    "type": "track",
                    "event": names.get(row["type"], row["type"]),
                    "timestamp": row["occurred_at"],
                    "properties": properties,
                    "messageId": f"sandbox-{number}",
                }
            )
    ranked = sorted(leads, key=lambda e: -propensity.get(e, 0.0))
    batches = []
    for email in interleaved(ranked):
        lead = leads[email]
        traits: dict[str, Any] = {
            k: v for k, v in lead.items() if v and k not in ("external_id", "annual_revenue_eur")
        }
        if "company_size" in traits:
            traits["company_size"] = int(traits["company_size"])
        user_id = lead["external_id"]
        identify = {"type": "identify", "userId": user_id, "traits": traits}
        tracks = [{**event, "userId": user_id} for event in events.get(email, [])]
        batches.append({"batch": [identify, *tracks]})
    return batches


def shifted(batch: dict[str, Any], by: timedelta) -> dict[str, Any]:
    """The batch with each timestamped call `by` later."""
    out = []
    for call in batch["batch"]:
        if "timestamp" in call:
            moment = datetime.fromisoformat(call["timestamp"]) + by
            call = {**call, "timestamp": moment.isoformat()}
        out.append(call)
    return {"batch": out}


class DemoStream:
    def __init__(
        self, api_url: str, key: str, clock: Callable[[], datetime], *, pace: float = PACE
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.key = key
        self.clock = clock
        self.pace = pace
        self.paused = False
        self.sent = 0
        self._resume = threading.Event()
        self._resume.set()

    def pause(self, paused: bool) -> None:
        self.paused = paused
        if paused:
            self._resume.clear()
        else:
            self._resume.set()

    def run(self, stop: threading.Event) -> None:
        made = self.clock()
        with tempfile.TemporaryDirectory(prefix="sdrbot-sandbox-") as tmp:
            generate(LEADS, DAYS, Path(tmp), now=made)
            batches = calls(Path(tmp))
        with httpx.Client(
            base_url=self.api_url, headers={"Authorization": f"Bearer {self.key}"}, timeout=30
        ) as http:
            if not self._wait_for_server(http, stop):
                return
            for batch in batches:
                while not self._resume.wait(0.2):
                    if stop.is_set():
                        return
                if stop.wait(self.pace):
                    return
                self._send(http, shifted(batch, self.clock() - made))

    @staticmethod
    def _wait_for_server(http: httpx.Client, stop: threading.Event) -> bool:
        """The stream starts beside the server; it sends once the server answers."""
        while not stop.is_set():
            try:
                if http.get("/healthz").status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            stop.wait(0.2)
        return False

    def _send(self, http: httpx.Client, batch: dict[str, Any]) -> None:
        try:
            answer = http.post("/api/v1/batch", json=batch)
        except httpx.HTTPError as exc:
            log.warning("the demo stream could not reach the ingest API: %s", exc)
            return
        if answer.status_code != 200:
            log.warning(
                "the ingest API refused a demo lead (%s): %s", answer.status_code, answer.text
            )
            return
        self.sent += 1
