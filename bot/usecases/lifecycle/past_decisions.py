"""Use case `record_past_decision`: an SDR decision made before sdrbot knew the lead.

The episode goes into the audit trail as it happened: the lead became an MQL when it was
alerted and left MQL by the decision, each with the score the active model gives the lead's
events up to that moment (the example recalibration learns from). Both changes are historic:
no alert, thread note, handover or webhook goes out for the past. A decision only joins the
end of a lead's history: a lead already decided, promoted or closed, or one that changed
after the decision, is refused with the reason. The one exception is an MQL the scores made
after the decision (the events were imported first, as they should be): sdrbot alerted it
without knowing it was decided, so the history is told and the lead then settles, now, where
the decision put it (a recycled lead becomes an MQL again with its next positive event).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from bot.ingest.decisions import DecisionIn
from bot.usecases.lifecycle import recorder
from bot.usecases.lifecycle.context import Ctx
from bot.usecases.lifecycle.recorder import Change, Decided, Snapshot
from scoring.engine import Event, Score, apply_event, lead_facts, score
from scoring.lifecycle import DECISION_TARGET, Decision, Status
from scoring.state import LeadState
from storage.repositories import decisions as repo
from storage.repositories import transitions

Verdict = Literal["recorded", "duplicate"]
# statuses a decision can end: a lead not yet alerted, or alerted and not yet decided
OPEN = (Status.LEAD, Status.NURTURING, Status.RECYCLED, Status.MQL)
SCORED = ("score", "fast_track", "re_mql", "re_mql:fast_track")  # causes of an automatic MQL
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
PastEvents = Sequence[tuple[str, datetime, dict[str, Any] | None]]


class Refused(ValueError):
    """The row cannot join the lead's history; `field` names the column to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def record_past_decision(ctx: Ctx, lead: Any, item: DecisionIn, events: PastEvents) -> Verdict:
    """`lead`: the lead's row as it is now; `events`: its stored events, oldest first."""
    s = ctx.session
    if repo.has_decision(session=s, lead_id=lead.id, outcome=item.decision, at=item.decided_at):
        return "duplicate"
    status = Status(lead.status)
    if status not in OPEN:
        raise Refused(
            "decision",
            f"the lead is {status} already; a decision answers a lead that is not yet "
            "decided, promoted or closed",
        )
    last = transitions.latest(s, lead.id)
    current = status == Status.MQL and (
        item.alerted_at is None or lead.status_since <= item.alerted_at
    )
    # an MQL the scores made after this decision: sdrbot alerted it not knowing its history
    later = status == Status.MQL and not current and last is not None and last.cause in SCORED
    alerted = lead.status_since if current else (item.alerted_at or item.decided_at)
    if last is not None and not later and last.at > (item.decided_at if current else alerted):
        raise Refused(
            "decided_at" if current else "alerted_at",
            f"the lead changed status at {last.at.isoformat()} (it is {status} now), after "
            "this row's moment; history can only be added before what came after it: import "
            "decisions before the events that followed them, or leave this row out",
        )
    actor = _actor(item.decided_by, ctx.actor)
    if not current:
        before = str(last.from_status) if later and last is not None else str(status)
        at_alert = _score_at(ctx, lead, events, alerted)
        entry = Change(
            lead.id,
            before,
            str(Status.MQL),
            "imported",
            ctx.actor,
            alerted,
            _details(ctx, at_alert),
            _snapshot(ctx, at_alert, "to:mql"),
            historic=True,
        )
        recorder.record(s, [entry], now=ctx.now)
    target = _decide(ctx, lead.id, item, actor, _score_at(ctx, lead, events, item.decided_at))
    if later:
        # the history decided it before: its MQL of today ends where the decision put it
        settled = Change(
            lead.id, str(Status.MQL), str(target), "imported", ctx.actor, ctx.now, {}, historic=True
        )
        recorder.record(s, [settled], now=ctx.now)
    return "recorded"


def _decide(ctx: Ctx, lead_id: int, item: DecisionIn, actor: str, sc: Score) -> Status:
    row = repo.add_past_decision(
        session=ctx.session,
        lead_id=lead_id,
        outcome=item.decision,
        actor=actor,
        at=item.decided_at,
        reason=item.reason,
        notes=item.notes,
        score={"model_version": ctx.version, "score": sc.total, "breakdown": sc.breakdown_json()},
    )
    decision_id = row.id or 0
    target = DECISION_TARGET[Decision(item.decision)]
    details = {**_details(ctx, sc), "decision_id": decision_id, "reason": item.reason}
    decided = Decided(decision_id, item.decision, actor.removeprefix("slack:"), item.reason)
    exit_ = Change(
        lead_id,
        str(Status.MQL),
        str(target),
        f"decision:{item.decision}",
        actor,
        item.decided_at,
        details,
        _snapshot(ctx, sc, "decision"),
        decided,
        historic=True,
    )
    recorder.record(ctx.session, [exit_], now=ctx.now)
    return target


def _score_at(ctx: Ctx, lead: Any, events: PastEvents, moment: datetime) -> Score:
    """The lead's score at `moment` under the active model, from its events until then."""
    state = LeadState()
    for kind, at, props in events:
        if at > moment:
            break
        apply_event(ctx.model, state, Event(kind, at, props or {}))
    mapping = lead._mapping if hasattr(lead, "_mapping") else lead
    facts = lead_facts(mapping, mapping["attributes"] or {}, fields=ctx.model.fit_fields)
    return score(ctx.model, facts, state, moment)


def _snapshot(ctx: Ctx, sc: Score, reason: str) -> Snapshot:
    return Snapshot(
        ctx.version, sc.total, sc.fit, sc.engagement, sc.grade, sc.breakdown_json(), reason
    )


def _details(ctx: Ctx, sc: Score) -> dict[str, Any]:
    return {"score": sc.total, "grade": sc.grade, "model_version": ctx.version}


def _actor(decided_by: str | None, default: str) -> str:
    """A Slack user id from the file becomes that user's actor; another name is kept as the
    import's; none leaves the import's actor."""
    if not decided_by:
        return default
    if _SLACK_USER.match(decided_by):
        return f"slack:{decided_by}"
    return f"import:{decided_by}"
