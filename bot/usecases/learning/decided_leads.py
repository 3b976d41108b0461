"""The stored decisions as recalibration's examples, and the scored leads as they are now.

A decided lead counts with its latest decision (promote positive, disqualify negative, recycle
negative at the configured weight); a CRM outcome, when there is one, overrides it (won and
opportunity positive, lost negative), and a CRM outcome of a lead never decided counts too: it
is the only word about leads the model never alerted. What a lead had of each current rule is
read from the breakdown stored with its decision, where the rule existed in that decision's
model version; other rules, and the candidate rules, are computed from its events up to the
moment of its label (never later) and its fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.learning_settings import LearningSettings
from bot.usecases.learning.from_db import CRM, IDENTITY
from scoring.calibrate.recal_types import Current, Decided
from scoring.engine import Event, score_events
from scoring.facts import STANDARD_FIELDS, lead_facts
from scoring.lifecycle import OPEN_FOR_SCORING
from scoring.model import ScoringModel
from storage.repositories import learning as repo
from storage.repositories import model_versions
from storage.repositories import outcomes_history as history

POPULATION = 5000  # the newest scored leads the threshold is chosen over


@dataclass(frozen=True)
class Labels:
    decided: list[Decided]
    from_crm: int  # labels a CRM outcome gave (over a decision, or of a lead never decided)
    ignored_recycles: int  # recycles left out (recycle_weight = 0)


def units_of(model: ScoringModel, lines: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """How much of each rule of `model` these breakdown lines show: 1 for a fit rule, the points
    seen / the rule's points for engagement."""
    points = {r.id: r.points for r in model.fit_rules} | {
        r.id: r.points for r in model.engagement_rules
    }
    out: dict[str, float] = {}
    for line in lines:
        rule = str(line.get("rule"))
        if points.get(rule):
            out[rule] = 1.0 if line.get("dim") == "fit" else float(line["points"]) / points[rule]
    return out


def _facts(lead: Any) -> dict[str, Any]:
    standard = {name: getattr(lead, name) for name in STANDARD_FIELDS}
    return lead_facts(standard, lead.attributes)


def _candidate_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in facts.items() if k not in IDENTITY and not k.startswith("attributes.")}


def labelled(session: Session, model: ScoringModel, settings: LearningSettings) -> Labels:
    decisions = repo.latest_decisions(session)
    crm = history.latest_crm_outcomes(session)
    ids = set(decisions) | set(crm)
    moments: dict[int, datetime] = {
        lead: decisions[lead].at if lead in decisions else crm[lead].at for lead in ids
    }
    leads = history.leads(session, ids)
    events = history.events_until(session, moments)
    versions: dict[int, ScoringModel | None] = {}
    out: list[Decided] = []
    ignored = 0
    for lead_id in sorted(ids):
        lead = leads.get(lead_id)
        if lead is None:
            continue
        weight = 1.0
        if lead_id in crm:
            label = CRM[crm[lead_id].kind]
        else:
            label = decisions[lead_id].decision == "promote"
            if decisions[lead_id].decision == "recycle":
                weight = settings.recycle_weight
        if weight <= 0:
            ignored += 1
            continue
        facts = _facts(lead)
        seen = tuple(
            Event(kind, at, props)
            for kind, at, props in events[lead_id]
            if not kind.startswith("crm_")
        )
        score, _ = score_events(model, facts, seen, moments[lead_id])
        units = units_of(model, [line.to_dict() for line in score.lines])
        if lead_id in decisions:
            units |= _as_decided(session, model, decisions[lead_id], versions)
        out.append(Decided(units, _candidate_facts(facts), seen, label, weight, moments[lead_id]))
    return Labels(out, sum(1 for i in ids if i in crm and i in leads), ignored)


def _as_decided(
    session: Session,
    model: ScoringModel,
    row: repo.DecisionRow,
    versions: dict[int, ScoringModel | None],
) -> dict[str, float]:
    """The units the decision's own breakdown shows, for the rules its model version had: that
    is the lead as the SDR saw it (its fields then, not now)."""
    if row.model_version is None:
        return {}
    if row.model_version not in versions:
        stored = model_versions.get_version(session=session, version=row.model_version)
        versions[row.model_version] = model_versions.parsed(stored) if stored else None
    then = versions[row.model_version]
    if then is None:
        return {}
    known = {r.id for r in then.fit_rules} | {r.id for r in then.engagement_rules}
    current = {r.id for r in model.fit_rules} | {r.id for r in model.engagement_rules}
    seen = units_of(then, row.breakdown)
    # a rule of both versions that the breakdown does not show did not hold then
    return {rule: seen.get(rule, 0.0) for rule in known & current}


def population(session: Session, model: ScoringModel, now: datetime) -> list[Current]:
    rows = repo.scored_leads(session, limit=POPULATION)
    events = history.events_until(session, {r.lead.id: now for r in rows if r.lead.id is not None})
    out = []
    for r in rows:
        assert r.lead.id is not None
        seen = tuple(
            Event(kind, at, props)
            for kind, at, props in events[r.lead.id]
            if not kind.startswith("crm_")
        )
        out.append(
            Current(
                units_of(model, r.breakdown),
                _candidate_facts(_facts(r.lead)),
                seen,
                now,
                r.lead.status in OPEN_FOR_SCORING,
            )
        )
    return out
