"""Every kind of message the outbox carries, one small class each.

A message is queued as a row (`kind`, `lead_id`, `dedupe_key`, `payload`) in the transaction of
the change that causes it (`bot.outbox.queue`), and read back as the same class by the sender
(`parse`). The dedupe key names the cause, so one cause never queues one message twice.

Adding a kind: a class here with its `kind`, `dedupe_key()` and `payload()`, listed in `KINDS`,
and a transport that delivers it. `parse` then returns it, and the type checker follows every
`match` on the union `Message`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from bot.outbox.learning_messages import LEARNING_KINDS, LearningMessage, parse_learning
from bot.outbox.note import Note

__all__ = ["KINDS", "Message", "Note", "micros", "parse"]


def micros(moment: datetime) -> int:
    """A moment as a whole number of microseconds: the part of a key that names a transition."""
    return int(moment.timestamp() * 1_000_000)


@dataclass(frozen=True)
class AlertQueued:
    """A new MQL's alert, to be posted in its routed channel."""

    kind: ClassVar[str] = "slack.alert"
    lead_id: int
    at: datetime  # when the lead became an MQL: one alert per MQL transition
    cause: str = ""
    score: float = 0
    grade: str = ""

    def dedupe_key(self) -> str:
        return f"alert:{self.lead_id}:{micros(self.at)}"

    def payload(self) -> dict[str, Any]:
        return {
            "lead_id": self.lead_id,
            "cause": self.cause,
            "score": self.score,
            "grade": self.grade,
        }


@dataclass(frozen=True)
class AlertUpdate:
    """The lead's alert re-rendered in place: it shows the lead as it is now."""

    kind: ClassVar[str] = "slack.update"
    lead_id: int
    key: str  # the cause, e.g. "decision:12", "expired:7:1764..."

    @classmethod
    def for_transition(cls, lead_id: int, cause: str, at: datetime) -> AlertUpdate:
        return cls(lead_id, f"{cause}:{lead_id}:{micros(at)}")

    def dedupe_key(self) -> str:
        return f"{self.kind}:{self.key}"

    def payload(self) -> dict[str, Any]:
        return {"lead_id": self.lead_id}


@dataclass(frozen=True)
class ThreadNote:
    """A note in the alert's thread: who claimed or decided, and why."""

    kind: ClassVar[str] = "slack.thread"
    lead_id: int
    key: str
    note: Note

    def dedupe_key(self) -> str:
        return f"{self.kind}:{self.key}"

    def payload(self) -> dict[str, Any]:
        return {"lead_id": self.lead_id, "note": dict(self.note)}


@dataclass(frozen=True)
class Handover:
    """A promoted lead handed to the account executives' channel, or to one AE directly."""

    kind: ClassVar[str] = "slack.handover"
    lead_id: int
    decision_id: int
    key: str
    dm: str | None = None  # a Slack user id: the AE named in the BANT modal

    def dedupe_key(self) -> str:
        return f"{self.kind}:{self.key}" + (f":dm:{self.dm}" if self.dm else "")

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"lead_id": self.lead_id, "decision_id": self.decision_id}
        if self.dm:
            out["dm"] = self.dm
        return out


@dataclass(frozen=True)
class HandoverAnswered:
    """A handover's messages re-rendered in place once an AE answered it (no buttons left)."""

    kind: ClassVar[str] = "slack.handover_answered"
    lead_id: int
    decision_id: int

    def dedupe_key(self) -> str:
        return f"{self.kind}:{self.decision_id}"

    def payload(self) -> dict[str, Any]:
        return {"lead_id": self.lead_id, "decision_id": self.decision_id}


@dataclass(frozen=True)
class WebhookDelivery:
    """A lifecycle transition, signed and POSTed to one subscribed webhook."""

    kind: ClassVar[str] = "webhook"
    lead_id: int
    webhook_id: int
    id: str  # the transition's name for receivers, the same on every retry and webhook
    transition: Mapping[str, Any]  # from, to, cause, actor, at (ISO), details
    breakdown: list[Any] | None = None  # the score's breakdown at that moment, when known

    @staticmethod
    def prefix(webhook_id: int) -> str:
        """The start of every dedupe key of this webhook's deliveries."""
        return f"webhook:{webhook_id}:"

    @staticmethod
    def transition_id(lead_id: int, to_status: str, at: datetime) -> str:
        """A transition's name for receivers: it says which lead moved where and when."""
        return f"tr_{lead_id}_{to_status}_{micros(at)}"

    def dedupe_key(self) -> str:
        return self.prefix(self.webhook_id) + self.id

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "webhook_id": self.webhook_id,
            "id": self.id,
            "transition": dict(self.transition),
        }
        if self.breakdown is not None:
            out["breakdown"] = self.breakdown
        return out


@dataclass(frozen=True)
class Digest:
    """The weekly digest's message, or (`chart`) its chart uploaded after it, to one channel;
    `numbers` as bot.digest.numbers wrote them. Delivered by bot/digest/transport.py."""

    kind: ClassVar[str] = "jobs.digest"
    week: str  # "2026-W48"
    channel: str
    numbers: Mapping[str, Any]
    locale: str = "en"
    timezone: str = "UTC"
    run: int = 1  # a forced run posts again under a new key
    chart: bool = False
    lead_id: ClassVar[None] = None

    def dedupe_key(self) -> str:
        return f"digest:{self.week}:{self.run}" + (":chart" if self.chart else "")

    def payload(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "channel": self.channel,
            "numbers": dict(self.numbers),
            "locale": self.locale,
            "timezone": self.timezone,
            "run": self.run,
            "chart": self.chart,
        }


@dataclass(frozen=True)
class Reminder:
    """An MQL past its SLA: a reminder in its alert's thread (`escalate`: to the managers'
    channel after twice the hours, with a link to the alert). One per MQL and step."""

    kind: ClassVar[str] = "jobs.reminder"
    lead_id: int
    mql_at: datetime  # which MQL of the lead: a new MQL starts a new SLA
    hours: float
    mentions: tuple[str, ...] = ()  # the owner, or the SDRs who may take it
    escalate: bool = False
    channel: str = ""  # the managers' channel of an escalation
    locale: str = "en"

    def dedupe_key(self) -> str:
        step = "escalation" if self.escalate else "reminder"
        return f"sla:{step}:{self.lead_id}:{micros(self.mql_at)}"

    def payload(self) -> dict[str, Any]:
        return {
            "lead_id": self.lead_id,
            "mql_at": self.mql_at.isoformat(),
            "hours": self.hours,
            "mentions": list(self.mentions),
            "escalate": self.escalate,
            "channel": self.channel,
            "locale": self.locale,
        }


Message = (
    AlertQueued
    | AlertUpdate
    | ThreadNote
    | Handover
    | HandoverAnswered
    | WebhookDelivery
    | Digest
    | Reminder
    | LearningMessage
)

_SLACK = (AlertQueued, AlertUpdate, ThreadNote, Handover, HandoverAnswered)
KINDS: dict[str, type[Message]] = {
    **{cls.kind: cls for cls in (*_SLACK, WebhookDelivery, Digest, Reminder)},
    **LEARNING_KINDS,
}
SLACK_KINDS = tuple(kind for kind in KINDS if kind.startswith("slack."))


class UnknownKind(ValueError):
    pass


def parse(kind: str, lead_id: int | None, dedupe_key: str, payload: Mapping[str, Any]) -> Message:
    """The message a stored row holds (raises UnknownKind for a kind this version lacks)."""
    lead = int(payload.get("lead_id") or lead_id or 0)
    if kind == AlertQueued.kind:
        at = int(dedupe_key.rsplit(":", 1)[1]) / 1_000_000
        return AlertQueued(
            lead,
            datetime.fromtimestamp(at, tz=UTC),
            str(payload.get("cause") or ""),
            payload.get("score") or 0,
            str(payload.get("grade") or ""),
        )
    if kind == AlertUpdate.kind:
        return AlertUpdate(lead, dedupe_key.removeprefix(f"{kind}:"))
    if kind == ThreadNote.kind:
        return ThreadNote(
            lead, dedupe_key.removeprefix(f"{kind}:"), Note(**payload.get("note", {}))
        )
    if kind == Handover.kind:
        dm = payload.get("dm")
        key = dedupe_key.removeprefix(f"{kind}:")
        if dm:
            key = key.removesuffix(f":dm:{dm}")
        return Handover(lead, int(payload["decision_id"]), key, str(dm) if dm else None)
    if kind == HandoverAnswered.kind:
        return HandoverAnswered(lead, int(payload["decision_id"]))
    if kind == WebhookDelivery.kind:
        breakdown = payload.get("breakdown")
        return WebhookDelivery(
            lead,
            int(payload["webhook_id"]),
            str(payload["id"]),
            dict(payload["transition"]),
            list(breakdown) if breakdown is not None else None,
        )
    if kind == Digest.kind:
        return Digest(**payload)
    if kind == Reminder.kind:
        return Reminder(
            **{
                **payload,
                "mql_at": datetime.fromisoformat(payload["mql_at"]),
                "mentions": tuple(payload.get("mentions") or ()),
            }
        )
    if kind in LEARNING_KINDS:
        return parse_learning(kind, payload)
    raise UnknownKind(f"unknown outbox kind {kind!r}")
