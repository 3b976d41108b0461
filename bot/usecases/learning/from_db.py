"""Use case: the leads in the database with an outcome, as calibration examples.

A lead's label is its CRM outcome when there is one (won and opportunity positive, lost
negative), else the account executive's answer to the handover of its latest SDR decision (a
send-back negative, an accept positive), else that decision itself (promote positive, disqualify
negative, recycle — "not sales-ready now" — negative); see `labels.py`. Its events are taken as
of its decision (or, without one, its CRM outcome), whoever gave the label: nothing that
happened after the SDR decided reaches its features, and the `crm_*` events that carry outcomes
are never features. An SDR's answer to an exploration alert (a lead under the MQL line shown on
purpose) counts as a decision when it is the latest; calibration counts every label once (it
has no weights), recalibration weighs those answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.usecases.learning.labels import AE, CRM, FROM_CRM, SDR, SENT_BACK, label_of
from scoring.calibrate.examples import Example
from scoring.engine import Event
from scoring.facts import STANDARD_FIELDS, lead_facts
from storage.db import session_scope
from storage.repositories import exploration as exploration_repo
from storage.repositories import outcomes_history as repo

__all__ = ["CRM", "IDENTITY", "Labelled", "labelled_examples"]

# who the lead is, not what it is like: never a rule
IDENTITY = {"email", "external_id", "first_name", "last_name"}


@dataclass(frozen=True)
class Labelled:
    examples: list[Example]
    decisions: int  # labels from SDR decisions
    crm: int  # labels from CRM outcomes (they win over a decision and an AE's answer)
    ae: int = 0  # labels from AEs' answers to handovers (they win over the SDR's decision)
    sent_back: int = 0  # of those, send-backs
    exploration: int = 0  # of the SDR decisions, answers to exploration alerts


def labelled_examples(engine: Engine) -> Labelled:
    with session_scope(engine) as session:
        decisions = repo.latest_decisions(session)
        explored = _with_exploration(session, decisions)
        crm = repo.latest_crm_outcomes(session)
        answers = repo.handover_answers(session)
        ids = set(decisions) | set(crm)
        moments: dict[int, datetime] = {
            lead: (decisions[lead] if lead in decisions else crm[lead]).at for lead in ids
        }
        rows = repo.leads(session, ids)
        events = repo.events_until(session, moments)
    examples = []
    sources = {SDR: 0, AE: 0, FROM_CRM: 0, SENT_BACK: 0, "exploration": 0}
    for lead_id in sorted(ids):
        lead = rows.get(lead_id)
        decided = decisions.get(lead_id)
        label = label_of(
            decided.kind if decided else None,
            answers.get(decided.decision_id or 0) if decided else None,
            crm[lead_id].kind if lead_id in crm else None,
        )
        if lead is None or label is None:
            continue
        sources[label.source] += 1
        sources[SENT_BACK] += label.source == AE and not label.positive
        sources["exploration"] += label.source == SDR and lead_id in explored
        standard = {name: getattr(lead, name) for name in STANDARD_FIELDS}
        facts = {
            key: value
            for key, value in lead_facts(standard, lead.attributes).items()
            if key not in IDENTITY and not key.startswith("attributes.")
        }
        seen = tuple(
            Event(kind, at, props)
            for kind, at, props in events[lead_id]
            if not kind.startswith("crm_")
        )
        examples.append(Example(facts, label.positive, seen, moments[lead_id]))
    return Labelled(
        examples,
        sources[SDR],
        sources[FROM_CRM],
        sources[AE],
        sources[SENT_BACK],
        sources["exploration"],
    )


def _with_exploration(session: Session, decisions: dict[int, repo.Outcome]) -> set[int]:
    """An answer to an exploration alert counts as the lead's decision when it is newer than
    its latest one (or it has none); returns the leads it does for."""
    out = set()
    for lead_id, row in exploration_repo.latest_answers(session).items():
        decided = decisions.get(lead_id)
        if row.answer is None or row.answered_at is None:
            continue
        if decided is None or decided.at < row.answered_at:
            decisions[lead_id] = repo.Outcome(lead_id, row.answer, row.answered_at)
            out.add(lead_id)
    return out
