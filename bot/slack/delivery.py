"""Sending one outbox row to Slack, by kind: alert, alert update, thread note, handover.

A row attempted before is first looked for in Slack (see `recovery`) and only posted when it
is not there.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.routing import Routing
from bot.slack import recovery, render
from bot.slack.blocks import alert_message, check_message, handover_message, thread_note
from bot.slack.channels import ChannelIds
from bot.usecases.lifecycle.assignment import route_alert
from bot.usecases.lifecycle.decisions import user_of
from storage.db import session_scope
from storage.repositories import decisions as decisions_repo
from storage.repositories.outbox import OutboxRow
from storage.tables import Decision, Lead, OutboxMessage, SlackAlert

log = logging.getLogger(__name__)


class Defer(Exception):
    """Not a failure: the row waits (e.g. for its alert to reach Slack first)."""


class Permanent(Exception):
    """Retrying cannot help; the row is marked failed."""


Row = OutboxRow  # the name the Slack side has always used


@dataclass(frozen=True)
class Delivered:
    result: dict[str, Any]
    alert: SlackAlert | None = None  # for an alert: where it landed


MARGIN = 1.05  # requests arrive with jitter; a hair slower than the limit meets fewer 429s


@dataclass
class Pacer:
    """About one message per second per channel, Slack's posting limit, without 429s first."""

    interval: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    last: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, channel: str) -> None:
        with self.lock:  # lanes run in threads; each channel's slot is booked under the lock
            now = self.monotonic()
            due = max(now, self.last.get(channel, float("-inf")) + self.interval * MARGIN)
            self.last[channel] = due
        if due > now:
            self.sleep(due - now)

    def posted(self, channel: str) -> None:
        """Count the interval from Slack's answer: a post that waited out a 429 inside the
        client went out later than its booked slot, and the next must keep its distance."""
        with self.lock:
            self.last[channel] = max(self.last.get(channel, float("-inf")), self.monotonic())


@dataclass
class Delivery:
    engine: Engine
    client: WebClient
    routing: Routing
    handover_channel: str
    pacer: Pacer
    channel_ids: ChannelIds

    def lane(self, row: Row) -> str:
        """The channel a row posts to (read-only: alerts are routed for real when sent)."""
        lead_id = int(row.payload.get("lead_id") or 0)
        if row.kind == "slack.handover":
            channel = str(row.payload.get("dm") or self.handover_channel)
        elif row.kind == "slack.alert":
            channel = str(row.payload.get("channel") or "")
            if not channel:
                with session_scope(self.engine) as s:
                    lead = s.get(Lead, lead_id)
                    channel = self.routing.channel_for(lead.model_dump()) if lead else ""
        else:
            with session_scope(self.engine) as s:
                alert = decisions_repo.latest_alert(session=s, lead_id=lead_id)
            channel = alert.channel if alert else ""
        return self.channel_ids.get(channel) or channel

    def send(self, row: Row, now: datetime) -> Delivered:
        handler = {
            "slack.alert": self.alert,
            "slack.update": self.update,
            "slack.thread": self.thread,
            "slack.handover": self.handover,
        }.get(row.kind)
        if handler is None:
            raise Permanent(f"unknown outbox kind {row.kind!r}")
        return handler(row, now)

    def alert(self, row: Row, now: datetime) -> Delivered:
        lead_id = int(row.payload["lead_id"])
        requested = route_alert(
            self.engine, outbox_id=row.id, routing=self.routing, now=now
        ).channel
        with session_scope(self.engine) as s:
            view = render.alert_view(s, lead_id)
        if view is None:
            raise Permanent(f"lead #{lead_id} no longer exists")
        message = alert_message(view)
        message["metadata"]["event_payload"]["outbox_id"] = row.id
        check_message(message)
        channel, ts = self._post_once(requested, row, message)
        alert = SlackAlert(lead_id=lead_id, outbox_id=row.id, channel=channel, ts=ts, posted_at=now)
        return Delivered({"channel": channel, "ts": ts, "requested": requested}, alert)

    def update(self, row: Row, now: datetime) -> Delivered:
        alert = self._alert_of(row)
        with session_scope(self.engine) as s:
            view = render.alert_view(s, alert.lead_id)
        if view is None:
            raise Permanent(f"lead #{alert.lead_id} no longer exists")
        message = alert_message(view)
        message["metadata"]["event_payload"]["outbox_id"] = alert.outbox_id
        check_message(message)
        self.client.chat_update(channel=alert.channel, ts=alert.ts, **message)
        return Delivered({"channel": alert.channel, "ts": alert.ts})

    def thread(self, row: Row, now: datetime) -> Delivered:
        alert = self._alert_of(row)
        message = thread_note(render.decision_view(row.payload["note"]))
        found = (
            recovery.find_posted(self.client, alert.channel, row.id, thread_ts=alert.ts)
            if row.attempts
            else None
        )
        channel, ts = (
            (alert.channel, found)
            if found
            else self._post(alert.channel, self._tagged(message, row), thread_ts=alert.ts)
        )
        return Delivered({"channel": channel, "ts": ts, "thread_ts": alert.ts})

    def handover(self, row: Row, now: datetime) -> Delivered:
        with session_scope(self.engine) as s:
            decision = s.get(Decision, int(row.payload["decision_id"]))
            view = render.alert_view(s, int(row.payload["lead_id"]))
            alert = decisions_repo.latest_alert(session=s, lead_id=int(row.payload["lead_id"]))
        if decision is None or view is None:
            raise Permanent("the decision or the lead of this handover no longer exists")
        message = handover_message(
            view,
            render.bant_answers(decision.bant, decision.notes),
            promoted_by=user_of(decision.decided_by),
            alert_link=self._permalink(alert),
        )
        requested = str(row.payload.get("dm") or self.handover_channel)  # a user id: a DM
        channel, ts = self._post_once(requested, row, self._tagged(message, row))
        return Delivered({"channel": channel, "ts": ts, "requested": requested})

    # helpers ---------------------------------------------------------------------------------

    def _alert_of(self, row: Row) -> SlackAlert:
        lead_id = int(row.payload["lead_id"])
        with session_scope(self.engine) as s:
            alert = decisions_repo.latest_alert(session=s, lead_id=lead_id)
            pending = s.scalar(
                select(func.count()).where(
                    col(OutboxMessage.kind) == "slack.alert",
                    col(OutboxMessage.lead_id) == lead_id,
                    col(OutboxMessage.status) == "pending",
                )
            )
        if alert is None:
            if pending:
                raise Defer(f"the alert of lead #{lead_id} is not in Slack yet")
            raise Permanent(f"lead #{lead_id} has no alert in Slack to update")
        return alert

    @staticmethod
    def _tagged(message: dict[str, Any], row: Row) -> dict[str, Any]:
        check_message(message)
        return {
            **message,
            "metadata": {
                "event_type": recovery.OUTBOX_EVENT,
                "event_payload": {"outbox_id": row.id, "kind": row.kind},
            },
        }

    def _post_once(self, requested: str, row: Row, message: dict[str, Any]) -> tuple[str, str]:
        """Post a top-level message, unless an earlier attempt of this row already did."""
        channel_id = self.channel_ids.get(requested)
        if row.attempts:
            if channel_id is None:
                log.warning(
                    "outbox row %s: cannot check #%s for an earlier copy (its channel "
                    "id is not known yet; configure channel ids to avoid this)",
                    row.id,
                    requested.lstrip("#"),
                )
            else:
                found = recovery.find_posted(self.client, channel_id, row.id)
                if found:
                    return channel_id, found
        return self._post(requested, message)

    def _post(self, channel: str, message: dict[str, Any], **extra: Any) -> tuple[str, str]:
        self.pacer.wait(channel)
        try:
            response = self.client.chat_postMessage(channel=channel, **message, **extra)
        finally:
            self.pacer.posted(channel)
        self.channel_ids.learn(channel, str(response["channel"]))
        return str(response["channel"]), str(response["ts"])

    def _permalink(self, alert: SlackAlert | None) -> str | None:
        if alert is None:
            return None
        try:
            return str(
                self.client.chat_getPermalink(channel=alert.channel, message_ts=alert.ts)[
                    "permalink"
                ]
            )
        except SlackApiError:  # the handover is worth more than its link
            return None
