"""What waits for the SDRs: open MQLs by score, and one SDR's decisions of the week."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.usecases.lifecycle.decisions import slack_actor
from storage.db import session_scope
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


def open_mqls(
    session: Session, *, owner: str | None = None, unclaimed: bool = False, limit: int = 20
) -> tuple[list[QueueItem], int]:
    """Open MQLs, highest score first (of one owner, or only unclaimed ones), and their count."""
    rows, total = repo.open_mqls(session, owner=owner, unclaimed=unclaimed, limit=limit)
    items = [
        QueueItem(
            lead.id or 0,
            lead.name,
            lead.company,
            sc.score if sc else 0,
            f"{sc.fit_grade}{sc.engagement_level}" if sc else "–",
            lead.owner,
            lead.status_since,
        )
        for lead, sc in rows
    ]
    return items, total


def week_numbers(session: Session, user_id: str, now: datetime) -> dict[str, int]:
    """How many leads this SDR promoted, recycled and disqualified in the last 7 days."""
    return dict(Counter(repo.decisions_by(session, slack_actor(user_id), since=now - WEEK)))


def queue(engine: Engine, *, limit: int = 20) -> tuple[list[QueueItem], int]:
    """`/lead queue`: the open MQLs, highest score first, and their count."""
    with session_scope(engine) as s:
        return open_mqls(s, limit=limit)


@dataclass(frozen=True)
class Home:
    """An SDR's App Home: their open MQLs, the unclaimed ones, and their week."""

    mine: list[QueueItem]
    unclaimed: list[QueueItem]
    week: dict[str, int]


def home(engine: Engine, user_id: str, *, now: datetime, limit: int) -> Home:
    """What `user_id`'s App Home shows at `now`, `limit` MQLs per section."""
    with session_scope(engine) as s:
        mine, _ = open_mqls(s, owner=user_id, limit=limit)
        unclaimed, _ = open_mqls(s, unclaimed=True, limit=limit)
        return Home(mine, unclaimed, week_numbers(s, user_id, now))
