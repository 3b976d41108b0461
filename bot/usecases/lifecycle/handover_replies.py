"""An account executive's answer to a handover: accept it, or send it back with a reason.

The answer is stored like an SDR's decision (with the score it was given on); a send-back also
moves the lead from SQL back to recycled through the recorder (cause `handover:sent_back`), the
strongest label recalibration gets. The SDR hears of either in the alert's thread, and the
handover shows the answer in place of its buttons. One answer per handover: the second is told
who answered first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.outbox.messages import HandoverAnswered, Message, Note, ThreadNote
from bot.outbox.queue import queue
from bot.usecases.lifecycle import recorder
from bot.usecases.lifecycle.decisions import slack_actor, user_of
from bot.usecases.lifecycle.recorder import Change
from scoring.lifecycle import Decision, Status
from storage.db import session_scope
from storage.repositories import decisions as decisions_repo
from storage.repositories import handover_replies as repo

ACCEPTED, SENT_BACK = "accepted", "sent_back"
CAUSE = "handover:sent_back"


@dataclass(frozen=True)
class Answer:
    done: bool
    lead_id: int | None
    sdr: str | None  # who handed the lead over
    problem: str | None = None  # "gone" | "own" | "answered" | "not_sql"
    by: str | None = None  # for "answered": the AE who answered first


def handover_of(engine: Engine, decision_id: int) -> tuple[int, str, str] | None:
    """(lead id, the SDR who handed it over, the lead's name) of a handover; None if gone."""
    with session_scope(engine) as s:
        decision = repo.decision(s, decision_id)
        if decision is None or decision.decision != Decision.PROMOTE:
            return None
        lead = decisions_repo.lead_by_id(session=s, lead_id=decision.lead_id)
        name = lead.name if lead else ""
        return decision.lead_id, user_of(decision.decided_by), name


def answer(
    engine: Engine, *, decision_id: int, ae: str, outcome: str, reason: str | None, now: datetime
) -> Answer:
    if outcome not in (ACCEPTED, SENT_BACK):
        raise ValueError(f"outcome must be {ACCEPTED!r} or {SENT_BACK!r}, not {outcome!r}")
    try:
        with session_scope(engine) as s:
            decision = repo.decision(s, decision_id)
            if decision is None or decision.decision != Decision.PROMOTE:
                return Answer(False, None, None, "gone")
            lead_id, sdr = decision.lead_id, user_of(decision.decided_by)
            earlier = repo.reply_to(s, decision_id)
            if earlier is not None:
                return Answer(False, lead_id, sdr, "answered", user_of(earlier.replied_by))
            if sdr == ae:
                return Answer(False, lead_id, sdr, "own")
            lead = decisions_repo.lead_by_id(session=s, lead_id=lead_id)
            if lead is None or lead.status != Status.SQL:
                return Answer(False, lead_id, sdr, "not_sql")
            reply = repo.add_reply(
                s, decision=decision, outcome=outcome, reason=reason, actor=slack_actor(ae), now=now
            )
            if outcome == SENT_BACK:
                details = {"decision_id": decision_id, "reply_id": reply.id, "reason": reason}
                change = Change(
                    lead_id, Status.SQL, Status.RECYCLED, CAUSE, slack_actor(ae), now, details
                )
                recorder.record(s, [change], now=now)
            note = Note(outcome=outcome, by=ae, at=now.isoformat(), reason=reason, owner=sdr)
            messages: list[Message] = [
                ThreadNote(lead_id, f"handover:{decision_id}:{outcome}", note),
                HandoverAnswered(lead_id, decision_id),
            ]
            queue(s, messages, now=now)
            return Answer(True, lead_id, sdr)
    except IntegrityError:
        # another AE's answer was stored between our check and our insert
        with session_scope(engine) as s:
            first = repo.reply_to(s, decision_id)
            by = user_of(first.replied_by) if first else None
        return Answer(False, None, None, "answered", by)
