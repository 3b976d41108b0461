"""What the Slack door shows of leads: one lead's facts (its alert, its card), the answer to a
`/lead` query, whether a lead can still be decided, and its latest alert."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.usecases.lifecycle.decisions import Result, prior_of
from scoring.lifecycle import DECISION_TARGET
from scoring.model import ScoringModel
from storage.db import session_scope
from storage.repositories import decisions as decisions_repo
from storage.repositories import leads as leads_repo
from storage.repositories import model_versions
from storage.tables import Decision, Event, Lead, LeadScore, LifecycleTransition, SlackAlert

TIMELINE = 15  # events read: the handover shows up to 15, the alert its first 5
ALERT_HISTORY = 5  # transitions an alert looks at (a re-MQL? what moved it on?)
MATCHES = 10  # leads a lookup offers to pick from
_DECIDED = {str(status) for status in DECISION_TARGET.values()}


@dataclass(frozen=True)
class LeadFacts:
    """A lead as its alert shows it, read in one transaction."""

    lead: Lead
    score: LeadScore | None
    events: list[Event]  # newest first
    transitions: list[LifecycleTransition]  # newest first, the latest ALERT_HISTORY
    decision: Decision | None  # the latest, when the status is one a decision leads to
    hand_raise_at: datetime | None = None  # the latest event of the fast-track type
    earlier: Decision | None = None  # an open MQL's earlier decision (a re-MQL's context)
    model: ScoringModel | None = None  # the one the score was made under: its rules' labels


def lead_facts(session: Session, lead_id: int) -> LeadFacts | None:
    """None when the lead is gone."""
    lead = leads_repo.get_lead(session, lead_id)
    if lead is None:
        return None
    score = leads_repo.score_of(session=session, lead_id=lead_id)
    events = leads_repo.recent_events(session=session, lead_id=lead_id, limit=TIMELINE)
    history = leads_repo.transitions_of(session=session, lead_id=lead_id, limit=ALERT_HISTORY)
    decision = earlier = None
    if lead.status in _DECIDED:
        decision = decisions_repo.latest_decision(session=session, lead_id=lead_id)
    elif lead.status == "mql":
        earlier = decisions_repo.latest_decision(session=session, lead_id=lead_id)
    raised = None
    if score is not None and score.fast_track:
        raised = leads_repo.latest_event_at(session, lead_id, score.fast_track)
    model = None
    if score is not None:
        model = model_versions.model_of(session=session, version=score.model_version)
    return LeadFacts(lead, score, events, history, decision, raised, earlier, model)


@dataclass(frozen=True)
class LeadCard:
    facts: LeadFacts
    history: list[LifecycleTransition]  # newest first, the latest 20
    alert: SlackAlert | None = None  # the lead's latest alert in Slack, to link to


def _card(session: Session, lead_id: int) -> LeadCard | None:
    facts = lead_facts(session, lead_id)
    if facts is None:
        return None
    return LeadCard(
        facts,
        leads_repo.transitions_of(session=session, lead_id=lead_id),
        decisions_repo.latest_alert(session=session, lead_id=lead_id),
    )


def lead_card(engine: Engine, lead_id: int) -> LeadCard | None:
    """One lead's card; None when the lead is gone."""
    with session_scope(engine) as s:
        return _card(s, lead_id)


@dataclass(frozen=True)
class Match:
    lead: Lead
    score: LeadScore | None


@dataclass(frozen=True)
class Lookup:
    """The answer to a query: the one lead it names (`lead_id`, with its card unless the lead
    went in between), the leads to pick from (the first MATCHES, ranked) and how many match
    in all, or neither."""

    lead_id: int | None = None
    card: LeadCard | None = None
    matches: list[Match] = field(default_factory=list)
    total: int = 0


def search(session: Session, query: str, *, limit: int = MATCHES) -> tuple[list[Match], int]:
    """The leads whose e-mail, name or company contains the query, exact matches first, then
    open MQLs, then by score (the first `limit`), and how many match in all."""
    found, total = leads_repo.search_leads(session=session, query=query, limit=limit)
    return [Match(f, leads_repo.score_of(session=session, lead_id=f.id or 0)) for f in found], total


def look_up(engine: Engine, query: str) -> Lookup:
    """The lead an e-mail, a CRM id or a number (`31`, `#31`) names, else the leads the search
    finds (see `search`)."""
    with session_scope(engine) as s:
        lead = leads_repo.find_lead(session=s, query=query)
        if lead is None:
            matches, total = search(s, query)
            if not matches:
                return Lookup()
            if total > 1:
                return Lookup(matches=matches, total=total)
            lead = matches[0].lead
        lead_id = lead.id or 0
        return Lookup(lead_id, _card(s, lead_id))


def lead_to_decide(engine: Engine, lead_id: int) -> Lead | Result | None:
    """The lead if it is an MQL that can still be decided; else the Result a decision would
    get now (too late: what the lead is, and who moved it); None when there is no such lead."""
    with session_scope(engine) as s:
        lead = leads_repo.get_lead(s, lead_id)
        if lead is None:
            return None
        if lead.status != "mql":
            return Result(False, lead_id, "open", lead.status, prior=prior_of(s, lead))
        return lead


def latest_alert(engine: Engine, lead_id: int) -> SlackAlert | None:
    """The lead's latest alert in Slack, if one was posted."""
    with session_scope(engine) as s:
        return decisions_repo.latest_alert(session=s, lead_id=lead_id)
