"""Use case: the leads in the database with an outcome, as calibration examples.

A lead's label is its CRM outcome when there is one (won and opportunity positive, lost
negative), else its latest SDR decision (promote positive, disqualify negative, recycle — "not
sales-ready now" — negative). Its events are taken as of its decision (or, without one, its
CRM outcome): nothing that happened after the label was known reaches its features, and the
`crm_*` events that carry outcomes are never features.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from scoring.calibrate.examples import Example
from scoring.engine import Event
from scoring.facts import STANDARD_FIELDS, lead_facts
from storage.db import session_scope
from storage.repositories import outcomes_history as repo

POSITIVE = {"promote": True, "disqualify": False, "recycle": False}
CRM = {"crm_won": True, "crm_opportunity": True, "crm_lost": False}
# who the lead is, not what it is like: never a rule
IDENTITY = {"email", "external_id", "first_name", "last_name"}


@dataclass(frozen=True)
class Labelled:
    examples: list[Example]
    decisions: int  # labels from SDR decisions
    crm: int  # labels from CRM outcomes (they win over a decision)


def labelled_examples(engine: Engine) -> Labelled:
    with session_scope(engine) as session:
        decisions = repo.latest_decisions(session)
        crm = repo.latest_crm_outcomes(session)
        ids = set(decisions) | set(crm)
        moments: dict[int, datetime] = {
            lead: (decisions[lead] if lead in decisions else crm[lead]).at for lead in ids
        }
        rows = repo.leads(session, ids)
        events = repo.events_until(session, moments)
    examples = []
    for lead_id in sorted(ids):
        lead = rows.get(lead_id)
        if lead is None:
            continue
        label = CRM[crm[lead_id].kind] if lead_id in crm else POSITIVE[decisions[lead_id].kind]
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
        examples.append(Example(facts, label, seen, moments[lead_id]))
    from_crm = sum(1 for lead in ids if lead in crm)
    return Labelled(examples, len(ids) - from_crm, from_crm)
