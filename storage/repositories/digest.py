"""What the weekly digest counts, one question per function, each over a window [start, end)
of UTC moments: new leads, transitions by from and to status, MQLs and SQLs by source and
campaign, the reasons of recycles and disqualifications, the open MQLs, decided scores."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, select
from sqlmodel import Session

from storage.tables.handles import DECISION, LEAD, OUTBOX, TRANSITION


def new_leads(session: Session, start: datetime, end: datetime) -> int:
    return int(
        session.scalar(
            select(func.count()).where(LEAD.c.created_at >= start, LEAD.c.created_at < end)
        )
        or 0
    )


def transition_counts(
    session: Session, start: datetime, end: datetime
) -> list[tuple[str, str, int]]:
    """(from status, to status, number of transitions) of the window."""
    rows = session.execute(
        select(TRANSITION.c.from_status, TRANSITION.c.to_status, func.count())
        .where(TRANSITION.c.at >= start, TRANSITION.c.at < end)
        .group_by(TRANSITION.c.from_status, TRANSITION.c.to_status)
    ).all()
    return [(str(a), str(b), int(n)) for a, b, n in rows]


def top_reaching(
    session: Session, start: datetime, end: datetime, to_status: str, by: str, limit: int
) -> list[tuple[str | None, int]]:
    """The leads' sources (`by="source"`) or campaigns (`by="campaign"`, the lead attribute)
    with the most transitions into `to_status` in the window, most first."""
    key = LEAD.c.source if by == "source" else LEAD.c.attributes["campaign"].as_string()
    n = func.count().label("n")
    rows = session.execute(
        select(key.label("key"), n)
        .select_from(TRANSITION.join(LEAD, LEAD.c.id == TRANSITION.c.lead_id))
        .where(TRANSITION.c.to_status == to_status, TRANSITION.c.at >= start, TRANSITION.c.at < end)
        .group_by(key)
        .order_by(n.desc(), key)
        .limit(limit)
    ).all()
    return [(k, int(c)) for k, c in rows]


def decision_reasons(
    session: Session, start: datetime, end: datetime
) -> list[tuple[str, str | None, int]]:
    """(decision, reason, count) of the window's recycles and disqualifications, most first."""
    n = func.count().label("n")
    rows = session.execute(
        select(DECISION.c.decision, DECISION.c.reason, n)
        .where(
            DECISION.c.decision.in_(("recycle", "disqualify")),
            DECISION.c.decided_at >= start,
            DECISION.c.decided_at < end,
        )
        .group_by(DECISION.c.decision, DECISION.c.reason)
        .order_by(DECISION.c.decision, n.desc(), DECISION.c.reason)
    ).all()
    return [(str(d), r, int(c)) for d, r, c in rows]


def open_mqls(
    session: Session, older_than: Sequence[datetime]
) -> tuple[int, datetime | None, list[int]]:
    """The MQLs open now: how many, since when the oldest, and how many became MQLs before
    each of the moments given."""
    since = LEAD.c.status_since
    row = session.execute(
        select(
            func.count(),
            func.min(since),
            *(func.coalesce(func.sum(case((since < t, 1), else_=0)), 0) for t in older_than),
        ).where(LEAD.c.status == "mql")
    ).one()
    return int(row[0]), row[1], [int(v) for v in row[2:]]


def decided_scores(
    session: Session, start: datetime, end: datetime
) -> list[tuple[str, float | None]]:
    """(decision, the score the SDR saw) of every decision in the window."""
    rows = session.execute(
        select(DECISION.c.decision, DECISION.c.score).where(
            DECISION.c.decided_at >= start, DECISION.c.decided_at < end
        )
    ).all()
    return [(str(d), None if s is None else float(s)) for d, s in rows]


def sla_messages(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    """(reminders, escalations) queued in the window."""
    escalation = OUTBOX.c.dedupe_key.like("sla:escalation:%")
    row = session.execute(
        select(
            func.coalesce(func.sum(case((escalation, 0), else_=1)), 0),
            func.coalesce(func.sum(case((escalation, 1), else_=0)), 0),
        ).where(
            OUTBOX.c.kind == "jobs.reminder",
            OUTBOX.c.created_at >= start,
            OUTBOX.c.created_at < end,
        )
    ).one()
    return int(row[0]), int(row[1])
