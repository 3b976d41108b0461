"""Sending one outbox message to Slack, by kind: alert, alert update, thread note, handover.

A row attempted before is first looked for in Slack (see `recovery`) and only posted when it
is not there. Errors are raised as they come; `bot.slack.transport` tells the sender what they
mean for the row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.outbox.messages import AlertQueued, AlertUpdate, Handover, HandoverAnswered, ThreadNote
from bot.routing import Routing
from bot.slack import recovery, render
from bot.slack.blocks import alert_message, check_message, expiry, handover_message, thread_note
from bot.slack.blocks.notes import TRIAGE_NOTES, triage_note
from bot.slack.channels import ChannelIds
from bot.slack.handover_render import handover_view
from bot.slack.pacing import MARGIN, Pacer
from bot.triage_settings import Triage
from bot.usecases.lifecycle.assignment import route_alert
from storage.db import session_scope
from storage.repositories import decisions as decisions_repo
from storage.repositories import handover_replies as replies_repo
from storage.repositories import outbox
from storage.repositories.outbox import OutboxRow
from storage.tables import Lead, SlackAlert

__all__ = ["MARGIN", "Defer", "Delivered", "Delivery", "Pacer", "Permanent", "Row", "SlackMessage"]

log = logging.getLogger(__name__)

SlackMessage = AlertQueued | AlertUpdate | ThreadNote | Handover | HandoverAnswered


class Defer(Exception):
    """Not a failure: the row waits (e.g. for its alert to reach Slack first)."""


class Permanent(Exception):
    """Retrying cannot help; the row is marked failed."""


Row = OutboxRow  # the name the Slack side has always used


@dataclass(frozen=True)
class Delivered:
    result: dict[str, Any]
    alert: SlackAlert | None = None  # for an alert: where it landed


@dataclass
class Delivery:
    engine: Engine
    client: WebClient
    routing: Routing
    handover_channel: str
    pacer: Pacer
    channel_ids: ChannelIds
    triage: Triage = field(default_factory=Triage)  # what the handover shows
    locale: str = "en"

    def lane(self, row: Row, message: SlackMessage) -> str:
        """The channel a row posts to (read-only: alerts are routed for real when sent)."""
        match message:
            case Handover(dm=dm):
                channel = dm or self.handover_channel
            case HandoverAnswered():
                channel = self.handover_channel
            case AlertQueued(lead_id=lead_id):
                # the channel route_alert recorded on the row when it first routed the alert
                channel = str(row.payload.get("channel") or "")
                if not channel:
                    with session_scope(self.engine) as s:
                        lead = s.get(Lead, lead_id)
                        channel = self.routing.channel_for(lead.model_dump()) if lead else ""
            case AlertUpdate(lead_id=lead_id) | ThreadNote(lead_id=lead_id):
                with session_scope(self.engine) as s:
                    alert = decisions_repo.latest_alert(session=s, lead_id=lead_id)
                channel = alert.channel if alert else ""
        return self.channel_ids.get(channel) or channel

    def send(self, row: Row, message: SlackMessage, now: datetime) -> Delivered:
        match message:
            case AlertQueued():
                return self.alert(row, message, now)
            case AlertUpdate():
                return self.update(message, now)
            case ThreadNote():
                return self.thread(row, message)
            case Handover():
                return self.handover(row, message, now)
            case HandoverAnswered():
                return self.handover_answered(message, now)

    def alert(self, row: Row, message: AlertQueued, now: datetime) -> Delivered:
        lead_id = message.lead_id
        requested = route_alert(
            self.engine, outbox_id=row.id, routing=self.routing, now=now
        ).channel
        with session_scope(self.engine) as s:
            view = render.alert_view(s, lead_id, self.locale)
            # a re-MQL links the alert of its earlier round (posted before this one)
            earlier = decisions_repo.latest_alert(session=s, lead_id=lead_id)
        if view is None:
            raise Permanent(f"lead #{lead_id} no longer exists")
        if view.re_mql and earlier is not None and earlier.outbox_id != row.id:
            view = replace(view, earlier_link=self._permalink(earlier))
        posted = alert_message(view, locale=self.locale, now=now)
        posted["metadata"]["event_payload"]["outbox_id"] = row.id
        check_message(posted)
        channel, ts = self._post_once(requested, row, posted)
        alert = SlackAlert(lead_id=lead_id, outbox_id=row.id, channel=channel, ts=ts, posted_at=now)
        return Delivered({"channel": channel, "ts": ts, "requested": requested}, alert)

    def update(self, message: AlertUpdate, now: datetime) -> Delivered:
        alert = self._alert_of(message.lead_id)
        with session_scope(self.engine) as s:
            view = render.alert_view(s, alert.lead_id, self.locale)
            earlier = decisions_repo.alert_before(session=s, alert=alert)
        if view is None:
            raise Permanent(f"lead #{alert.lead_id} no longer exists")
        if view.re_mql and earlier is not None:
            view = replace(view, earlier_link=self._permalink(earlier))
        posted = alert_message(view, locale=self.locale, now=now)
        posted["metadata"]["event_payload"]["outbox_id"] = alert.outbox_id
        check_message(posted)
        self.client.chat_update(channel=alert.channel, ts=alert.ts, **posted)
        return Delivered({"channel": alert.channel, "ts": alert.ts})

    def thread(self, row: Row, message: ThreadNote) -> Delivered:
        alert = self._alert_of(message.lead_id)
        note = (
            expiry.queued_note(message.note)
            if message.note.get("outcome") == "expired"
            else triage_note(message.note, self.locale)
            if message.note.get("outcome") in TRIAGE_NOTES
            else thread_note(render.decision_view(message.note), self.locale)
        )
        found = (
            recovery.find_posted(self.client, alert.channel, row.id, thread_ts=alert.ts)
            if row.attempts
            else None
        )
        channel, ts = (
            (alert.channel, found)
            if found
            else self._post(alert.channel, self._tagged(note, row), thread_ts=alert.ts)
        )
        return Delivered({"channel": channel, "ts": ts, "thread_ts": alert.ts})

    def handover(self, row: Row, message: Handover, now: datetime) -> Delivered:
        with session_scope(self.engine) as s:
            view = handover_view(s, message.decision_id, self.triage, now, self.locale)
            alert = decisions_repo.latest_alert(session=s, lead_id=message.lead_id)
        if view is None:
            raise Permanent("the decision or the lead of this handover no longer exists")
        view = replace(view, alert_link=self._permalink(alert))
        posted = handover_message(view, self.locale)
        requested = message.dm or self.handover_channel  # a user id: a DM
        channel, ts = self._post_once(requested, row, self._tagged(posted, row))
        return Delivered({"channel": channel, "ts": ts, "requested": requested})

    def handover_answered(self, message: HandoverAnswered, now: datetime) -> Delivered:
        """Every copy of the handover shows the AE's answer instead of the buttons."""
        with session_scope(self.engine) as s:
            view = handover_view(s, message.decision_id, self.triage, now, self.locale)
            alert = decisions_repo.latest_alert(session=s, lead_id=message.lead_id)
            posts = replies_repo.handover_posts(s, message.lead_id, message.decision_id)
            pending = outbox.has_pending(s, kind=Handover.kind, lead_id=message.lead_id)
        if view is None:
            raise Permanent("the decision or the lead of this handover no longer exists")
        if pending:
            raise Defer(f"the handover of lead #{message.lead_id} is not all in Slack yet")
        if not posts:
            raise Permanent(f"lead #{message.lead_id} has no handover in Slack to update")
        posted = handover_message(replace(view, alert_link=self._permalink(alert)), self.locale)
        check_message(posted)
        for post in posts:
            self.client.chat_update(channel=post["channel"], ts=post["ts"], **posted)
        return Delivered({"updated": [p["ts"] for p in posts]})

    # helpers ---------------------------------------------------------------------------------

    def _alert_of(self, lead_id: int) -> SlackAlert:
        with session_scope(self.engine) as s:
            alert = decisions_repo.latest_alert(session=s, lead_id=lead_id)
            pending = alert is None and outbox.has_pending(
                s, kind=AlertQueued.kind, lead_id=lead_id
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
