"""The exploration sample: the leads of the band under the MQL line, the samples stored per
period, answered once (a conditional UPDATE on `answer IS NULL`, so of two clicks exactly one
wins), and the answered ones as labels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, func, or_, update
from sqlmodel import Session, col, select

from storage.tables import ExplorationSample, Lead, LeadScore

SAMPLE: Table = ExplorationSample.__table__  # type: ignore[attr-defined]
ANON_PREFIX = "anon:"  # visitors known only by an anonymous id: nobody to call


@dataclass(frozen=True)
class InBand:
    lead_id: int
    score: float
    model_version: int
    breakdown: list[dict[str, Any]]


def in_band(
    session: Session, *, low: float, high: float, statuses: Iterable[str], model_version: int
) -> list[InBand]:
    """Contactable leads in `statuses` scoring in [low, high) under `model_version`, without an
    unanswered sample (their exploration alert is still open)."""
    open_samples = select(SAMPLE.c.lead_id).where(SAMPLE.c.answer.is_(None))
    stmt = (
        select(LeadScore.lead_id, LeadScore.score, LeadScore.model_version, LeadScore.breakdown)
        .join(Lead, col(Lead.id) == col(LeadScore.lead_id))
        .where(
            col(LeadScore.score) >= low,
            col(LeadScore.score) < high,
            col(LeadScore.model_version) == model_version,
            col(Lead.status).in_(sorted(statuses)),
            or_(
                col(Lead.email).is_not(None),
                and_(
                    col(Lead.external_id).is_not(None),
                    ~col(Lead.external_id).startswith(ANON_PREFIX),
                ),
            ),
            col(LeadScore.lead_id).not_in(open_samples),
        )
        .order_by(col(LeadScore.lead_id))
    )
    return [InBand(i, float(s), int(v), list(b or [])) for i, s, v, b in session.exec(stmt)]


def add(session: Session, rows: Sequence[ExplorationSample]) -> list[ExplorationSample]:
    for row in rows:
        session.add(row)
    session.flush()
    return list(rows)


def get(session: Session, sample_id: int) -> ExplorationSample | None:
    return session.get(ExplorationSample, sample_id)


def answer_if_open(
    session: Session, sample_id: int, *, answer: str, by: str, now: datetime
) -> bool:
    """Store the answer unless the sample has one; False when it had (or is gone)."""
    stmt = (
        update(SAMPLE)
        .where(SAMPLE.c.id == sample_id, SAMPLE.c.answer.is_(None))
        .values(answer=answer, answered_by=by, answered_at=now)
    )
    return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]


def set_posted(session: Session, sample_id: int, *, channel: str, ts: str) -> None:
    session.execute(
        update(SAMPLE).where(SAMPLE.c.id == sample_id).values(slack_channel=channel, slack_ts=ts)
    )


def latest_answers(session: Session) -> dict[int, ExplorationSample]:
    """Each lead's latest answered sample."""
    stmt = (
        select(ExplorationSample)
        .where(col(ExplorationSample.answer).is_not(None))
        .order_by(col(ExplorationSample.lead_id), col(ExplorationSample.answered_at))
    )
    out: dict[int, ExplorationSample] = {}
    for row in session.exec(stmt):
        out[row.lead_id] = row
    return out


def of_period(session: Session, period: str) -> list[ExplorationSample]:
    stmt = select(ExplorationSample).where(ExplorationSample.period == period)
    return list(session.exec(stmt.order_by(col(ExplorationSample.lead_id))))


def week_counts(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """The window's exploration sample: leads shown, and the answers given to them by answer."""
    shown = session.exec(
        select(func.count())
        .select_from(ExplorationSample)
        .where(col(ExplorationSample.sampled_at) >= start, col(ExplorationSample.sampled_at) < end)
    ).one()
    answers = session.exec(
        select(ExplorationSample.answer, func.count())
        .where(
            col(ExplorationSample.answered_at) >= start, col(ExplorationSample.answered_at) < end
        )
        .group_by(col(ExplorationSample.answer))
    ).all()
    return {"shown": int(shown), **{str(a): int(n) for a, n in answers}}
