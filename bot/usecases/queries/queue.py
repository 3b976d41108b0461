"""What waits for the SDRs: open MQLs in priority order (hand-raisers, then past their SLA,
then by score), and one SDR's week: open leads, decisions, median time to a first action."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.jobs.sla_clock import Sla
from bot.usecases.lifecycle.decisions import slack_actor
from bot.usecases.queries.first_action import first_action_waits
from storage.db import session_scope
from storage.repositories import claims as claims_repo
from storage.repositories import queue as repo

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class QueueItem:
    lead_id: int
    name: str
    company: str | None
    score: float
    grade: str
    owner: str | None  # Slack user id
    since: datetime  # became an MQL
    fast_track: str | None = None  # the hand-raiser event, while it holds
    sla: str | None = None  # "overdue" | "escalated" | None (on time)


def open_mqls(
    session: Session,
    *,
    now: datetime,
    sla: Sla | None = None,
    owner: str | None = None,
    unclaimed: bool = False,
    limit: int = 20,
) -> tuple[list[QueueItem], int]:
    """Open MQLs in priority order (of one owner, or only unclaimed ones), and their count."""
    rows, total = repo.open_mqls(
        session,
        owner=owner,
        unclaimed=unclaimed,
        limit=limit,
        overdue_before=sla.overdue_before(now) if sla else None,
    )
    items = [
        QueueItem(
            lead.id or 0,
            lead.name,
            lead.company,
            sc.score if sc else 0,
            f"{sc.fit_grade}{sc.engagement_level}" if sc else "–",
            lead.owner,
            lead.status_since,
            sc.fast_track if sc else None,
            sla.state(lead.status_since, now) if sla else None,
        )
        for lead, sc in rows
    ]
    return items, total


def week_numbers(session: Session, user_id: str, now: datetime) -> dict[str, int]:
    """How many leads this SDR promoted, recycled and disqualified in the last 7 days."""
    return dict(Counter(repo.decisions_by(session, slack_actor(user_id), since=now - WEEK)))


def queue(
    engine: Engine, *, now: datetime, sla: Sla | None = None, limit: int = 20
) -> tuple[list[QueueItem], int]:
    """`/lead queue`: the open MQLs in priority order, and their count."""
    with session_scope(engine) as s:
        return open_mqls(s, now=now, sla=sla, limit=limit)


@dataclass(frozen=True)
class Home:
    """An SDR's App Home: their open MQLs, the unclaimed ones (each with its total), and their
    week: decisions by outcome and the median seconds from an alert to their first action on it
    (a claim or a decision)."""

    mine: list[QueueItem]
    unclaimed: list[QueueItem]
    week: dict[str, int]
    mine_total: int = 0
    unclaimed_total: int = 0
    median_wait: float | None = None


def home(
    engine: Engine, user_id: str, *, now: datetime, limit: int, sla: Sla | None = None
) -> Home:
    """What `user_id`'s App Home shows at `now`, `limit` MQLs per section."""
    with session_scope(engine) as s:
        mine, mine_total = open_mqls(s, now=now, sla=sla, owner=user_id, limit=limit)
        unclaimed, unclaimed_total = open_mqls(s, now=now, sla=sla, unclaimed=True, limit=limit)
        acted = claims_repo.acted_since(s, slack_actor(user_id), since=now - WEEK)
        waits = first_action_waits(acted, since=now - WEEK)
        return Home(
            mine,
            unclaimed,
            week_numbers(s, user_id, now),
            mine_total,
            unclaimed_total,
            median(waits) if waits else None,
        )
