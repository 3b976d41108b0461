"""Events: App Home shows the opening SDR's queue and their week (SPEC §4).

Slack delivers an event again when it thinks the first delivery failed; an event id seen in
the last hour is not handled twice (per process: a retry that reaches another process is
handled again, which for a home tab only redraws it).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack.home_tab import publish_home
from bot.slack.services import services

EVENTS = ("app_home_opened",)
SEEN_FOR = 3600.0
SEEN_MAX = 10_000


class SeenEvents:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str | None) -> bool:
        if not event_id:
            return True
        now = self.monotonic()
        with self._lock:
            while self._seen and (
                len(self._seen) >= SEEN_MAX or next(iter(self._seen.values())) < now - SEEN_FOR
            ):
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            return True


def register(app: App) -> None:
    seen = SeenEvents()

    def home(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        if seen.first_time(body.get("event_id")):
            on_home_opened(event, client, context)

    app.event("app_home_opened")(home)


def on_home_opened(event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(client, services(context), event["user"])
