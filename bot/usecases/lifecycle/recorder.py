"""Record lifecycle changes, whatever caused them: a score, an SDR's decision, a CRM outcome.

A change is written with everything that belongs to it, in the caller's transaction: the
transition (the audit trail), the score it was made on, the lead's new status, and the
messages it causes. A new MQL gets its alert; an MQL that leaves without an SDR's decision
gets its alert updated (its buttons must go); a decision updates the alert, tells the thread
and, for a promote, hands the lead over; every webhook subscribed to the new status gets a
delivery. Set-at-a-time: a rescore records thousands of changes in one call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlmodel import Session

from bot.outbox.messages import (
    AlertQueued,
    AlertUpdate,
    Handover,
    Message,
    Note,
    ThreadNote,
    WebhookDelivery,
)
from bot.outbox.queue import queue
from scoring.lifecycle import Decision, Status
from storage.repositories import held_alerts, transitions
from storage.repositories import webhooks as webhooks_repo

# an MQL whose alert is held for a summary (a model change made many at once) has this in its
# transition's details; it has no alert of its own, so nothing updates one when it is decided
HELD = held_alerts.HELD
HELD_VALUE = held_alerts.HELD_VALUE

# The values are NamedTuples: immutable, and built by the thousand in a rescore at half the
# cost of a frozen dataclass.


class Snapshot(NamedTuple):
    """The score a change was made on, kept beside its transition."""

    model_version: int
    score: float
    fit: float
    engagement: float
    grade: str
    breakdown: list[Any]
    reason: str  # why it was kept: "to:mql", "decision"


class Decided(NamedTuple):
    """The SDR's decision behind a change."""

    decision_id: int
    outcome: str  # "promote" | "recycle" | "disqualify"
    by: str  # the Slack user id, or the actor of a CLI user
    reason: str | None = None
    notes: str | None = None
    ae: str | None = None  # the account executive a promoted lead is also sent to directly


class Change(NamedTuple):
    """One lead moving from one status to another."""

    lead_id: int
    from_status: str
    to_status: str
    cause: str  # "score", "expired", "decision:promote", "crm:won", ...
    actor: str
    at: datetime  # when it counts in the audit trail
    details: dict[str, Any]
    snapshot: Snapshot | None = None
    decided: Decided | None = None
    # when the cause happened, if the trail dates the change later (a back-dated CRM outcome)
    occurred_at: datetime | None = None
    # imported history (a decision made before sdrbot knew the lead): it goes into the trail,
    # but Slack and the webhooks heard of it back then, or never need to; nothing is sent
    historic: bool = False


def record(
    session: Session, changes: Sequence[Change], *, now: datetime, locale: str = "en"
) -> int:
    """Write the changes and queue the messages they cause; returns how many messages were
    handed to the outbox (one whose cause was queued before is left out there). A historic
    change causes no message. `locale` is the language of the notes a change leaves in a
    thread by itself (an expiry)."""
    if not changes:
        return 0
    rows, snapshots, statuses = [], [], []
    messages: list[Message] = []
    for c in changes:
        rows.append(transition_row(c))
        if c.snapshot is not None:
            snapshots.append(snapshot_row(c.lead_id, c.snapshot, now))
        statuses.append(
            {"id": c.lead_id, "status": c.to_status, "status_since": c.at, "updated_at": now}
        )
        if not c.historic:
            messages.extend(slack_messages(c, locale))
    messages = _without_held(session, changes, messages)
    transitions.write(session, rows, snapshots, statuses)
    live = [(c, row) for c, row in zip(changes, rows, strict=True) if not c.historic]
    if live:
        hooks = webhooks_repo.active(session)
        messages.extend(webhook_deliveries(hooks, [c for c, _ in live], [r for _, r in live]))
    return queue(session, messages, now=now)


def _without_held(
    session: Session, changes: Sequence[Change], messages: list[Message]
) -> list[Message]:
    """A lead announced only in a summary has no alert: its update and thread note would
    fail in Slack, so they are not queued (its handover still goes)."""
    leaving = {c.lead_id for c in changes if c.from_status == Status.MQL}
    if not leaving:
        return messages
    held = held_alerts.without_alert(session, leaving)
    if not held:
        return messages
    return [
        m for m in messages if not (isinstance(m, AlertUpdate | ThreadNote) and m.lead_id in held)
    ]


def transition_row(c: Change) -> dict[str, Any]:
    details = c.details
    if c.occurred_at is not None and c.occurred_at != c.at:
        # the audit trail says when the cause was dated, not only when it counted
        details = {**details, "occurred_at": c.occurred_at.isoformat()}
    if c.historic:
        details = {**details, "historic": True}  # the trail says it was imported, not lived
    return {
        "lead_id": c.lead_id,
        "from_status": c.from_status,
        "to_status": c.to_status,
        "cause": c.cause,
        "actor": c.actor,
        "at": c.at,
        "details": details,
    }


def snapshot_row(lead_id: int, snap: Snapshot, now: datetime) -> dict[str, Any]:
    return {
        "lead_id": lead_id,
        "model_version": snap.model_version,
        "score": snap.score,
        "fit": snap.fit,
        "engagement": snap.engagement,
        "grade": snap.grade,
        "breakdown": snap.breakdown,
        "reason": snap.reason,
        "computed_at": now,
    }


def slack_messages(c: Change, locale: str = "en") -> list[Message]:
    """What Slack is told of the change."""
    if c.decided is not None:
        return decision_messages(c.lead_id, c.decided, c.at)
    if c.to_status == Status.MQL:
        if c.details.get(HELD) == HELD_VALUE:
            return []  # its alert, or the summary that replaces it, follows the model change
        snap = c.snapshot
        score, grade = (snap.score, snap.grade) if snap is not None else (0, "")
        return [AlertQueued(c.lead_id, c.at, c.cause, score, grade)]
    if c.from_status == Status.MQL:
        # one update per source of the cause ("expired", "crm") and the moment it happened
        source = c.cause.partition(":")[0]
        update = AlertUpdate.for_transition(c.lead_id, source, c.occurred_at or c.at)
        if c.cause == "expired":
            # nobody clicked anything: the thread says why the lead left the queue
            return [update, ThreadNote(c.lead_id, update.key, expiry_note(c, locale))]
        return [update]
    return []


# what an expiry's note says, from the details scoring_pass.expired_details gives the change
EXPIRY_VALUES = (
    "score",
    "fit",
    "engagement",
    "threshold",
    "min_fit",
    "min_engagement",
    "margin",
    "grace_days",
)


def expiry_note(c: Change, locale: str) -> Note:
    note = Note(outcome="expired", by=c.actor, at=c.at.isoformat(), locale=locale)
    note["expiry"] = {k: float(c.details.get(k) or 0) for k in EXPIRY_VALUES}
    return note


def decision_messages(lead_id: int, d: Decided, at: datetime) -> list[Message]:
    """The alert shows the decision, its thread says who decided and why, and a promoted lead
    is handed over (to the AEs' channel, and to the named AE directly)."""
    key = f"decision:{d.decision_id}"
    note = Note(outcome=d.outcome, by=d.by, at=at.isoformat(), reason=d.reason, notes=d.notes)
    out: list[Message] = [AlertUpdate(lead_id, key), ThreadNote(lead_id, key, note)]
    if d.outcome == Decision.PROMOTE:
        out.append(Handover(lead_id, d.decision_id, key))
        if d.ae:
            out.append(Handover(lead_id, d.decision_id, key, dm=d.ae))
    return out


def webhook_deliveries(
    subscribed: Iterable[tuple[int, frozenset[str]]],
    changes: Sequence[Change],
    rows: Sequence[Mapping[str, Any]],
) -> list[WebhookDelivery]:
    """One delivery per change and webhook subscribed to its new status; `rows` are the
    changes' transition rows, whose details the receivers get."""
    hooks = list(subscribed)
    out: list[WebhookDelivery] = []
    if not hooks:
        return out
    for c, row in zip(changes, rows, strict=True):
        wanted = [hook for hook, statuses in hooks if c.to_status in statuses]
        if not wanted:
            continue
        tid = WebhookDelivery.transition_id(c.lead_id, c.to_status, c.at)
        transition = {
            "from": c.from_status,
            "to": c.to_status,
            "cause": c.cause,
            "actor": c.actor,
            "at": c.at.isoformat(),
            "details": row["details"],
        }
        breakdown = _breakdown(c)
        for hook in wanted:
            out.append(WebhookDelivery(c.lead_id, hook, tid, transition, breakdown))
    return out


def _breakdown(c: Change) -> list[Any] | None:
    """The breakdown a receiver is shown: the snapshot's; a decision without a score names the
    empty one it was made on."""
    if c.snapshot is not None:
        return c.snapshot.breakdown
    return [] if c.decided is not None else None


def queue_transitions(session: Session, rows: Iterable[Mapping[str, Any]], *, now: datetime) -> int:
    """Queue the webhook deliveries of transitions stored before (lifecycle_transition rows);
    a delivery queued already is not queued again."""
    stored = list(rows)
    changes = [
        Change(r["lead_id"], r["from_status"], r["to_status"], r["cause"], r["actor"], r["at"], {})
        for r in stored
    ]
    deliveries = webhook_deliveries(webhooks_repo.active(session), changes, stored)
    return queue(session, deliveries, now=now)
