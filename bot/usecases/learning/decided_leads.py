"""The stored decisions as recalibration's examples, and the scored leads as they are now.

A decided lead counts with its latest decision (promote positive, disqualify negative, recycle
negative at the configured weight); an account executive's answer to that decision's handover
overrides it (a send-back negative at `sent_back_weight`, an accept positive), and a CRM
outcome, when there is one, overrides both (won and opportunity positive, lost negative); a CRM
outcome of a lead never decided counts too: it is the only word about leads the model never
alerted (`labels.py`). Features stay those of the SDR's decision time, whoever labelled it.
An SDR's answer to an exploration alert (a lead under the MQL line, shown on purpose) counts as
the lead's decision when it is the latest, its weight divided by the share it was drawn with,
so the few shown stand for the band nobody was shown.

What a lead had of each current rule is read from the breakdown stored with its decision,
where the rule existed in that decision's model version; other rules, and the candidate rules,
are computed from its events up to the moment of its decision (never later) and its fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.learning_settings import LearningSettings
from bot.usecases.learning.from_db import IDENTITY
from bot.usecases.learning.labels import AE, FROM_CRM, SDR, label_of
from scoring.calibrate.recal_types import Current, Decided
from scoring.engine import Event, score_events
from scoring.facts import STANDARD_FIELDS, lead_facts
from scoring.lifecycle import OPEN_FOR_SCORING
from scoring.model import ScoringModel
from storage.repositories import exploration as exploration_repo
from storage.repositories import learning as repo
from storage.repositories import model_versions
from storage.repositories import outcomes_history as history

POPULATION = 5000  # the newest scored leads the threshold is chosen over


@dataclass(frozen=True)
class Labels:
    decided: list[Decided]
    from_crm: int  # labels a CRM outcome gave (over a decision, or of a lead never decided)
    ignored_recycles: int  # recycles left out (recycle_weight = 0)
    from_ae: int = 0  # labels an AE's answer to a handover gave (over the SDR's promote)
    ignored_sent_back: int = 0  # send-backs left out (sent_back_weight = 0)
    from_exploration: int = 0  # answers to exploration alerts, each weighed 1 / its share


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


def with_exploration(session: Session, decisions: dict[int, repo.DecisionRow]) -> dict[int, float]:
    """Put each lead's latest answer to an exploration alert among the decisions where it is
    newer than the lead's latest decision (or the lead has none); returns the sampling share
    per lead whose label it now is."""
    shares = {}
    for lead_id, row in exploration_repo.latest_answers(session).items():
        decided = decisions.get(lead_id)
        if row.answer is None or row.answered_at is None:
            continue
        if decided is not None and decided.at >= row.answered_at:
            continue
        decisions[lead_id] = repo.DecisionRow(
            lead_id, row.answer, row.answered_at, row.model_version, list(row.breakdown)
        )
        shares[lead_id] = row.share
    return shares


def labelled(session: Session, model: ScoringModel, settings: LearningSettings) -> Labels:
    decisions = repo.latest_decisions(session)
    shares = with_exploration(session, decisions)
    crm = history.latest_crm_outcomes(session)
    ids = set(decisions) | set(crm)
    moments: dict[int, datetime] = {
        lead: decisions[lead].at if lead in decisions else crm[lead].at for lead in ids
    }
    leads = history.leads(session, ids)
    events = history.events_until(session, moments)
    answers = history.handover_answers(session)
    versions: dict[int, ScoringModel | None] = {}
    out: list[Decided] = []
    counts = {FROM_CRM: 0, AE: 0, "recycle": 0, "sent_back": 0, "exploration": 0}
    for lead_id in sorted(ids):
        lead = leads.get(lead_id)
        decided = decisions.get(lead_id)
        label = label_of(
            decided.decision if decided else None,
            answers.get(decided.id or 0) if decided else None,
            crm[lead_id].kind if lead_id in crm else None,
            recycle_weight=settings.recycle_weight,
            sent_back_weight=settings.sent_back_weight,
        )
        if lead is None or label is None:
            continue
        if label.weight <= 0:
            counts["sent_back" if label.source == AE else "recycle"] += 1
            continue
        counts[label.source] = counts.get(label.source, 0) + 1
        weight = label.weight
        if label.source == SDR and lead_id in shares:
            # one answer of the sample stands for the 1 / share leads of the band not shown
            weight /= shares[lead_id]
            counts["exploration"] += 1
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
        out.append(
            Decided(units, _candidate_facts(facts), seen, label.positive, weight, moments[lead_id])
        )
    return Labels(
        out,
        counts[FROM_CRM],
        counts["recycle"],
        counts[AE],
        counts["sent_back"],
        counts["exploration"],
    )


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
