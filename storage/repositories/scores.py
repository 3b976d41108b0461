"""The stored scores (table lead_score): the states scoring folds into, the rows a rescore
compares with, dirty marks, and which leads are due to be scored again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

import orjson
from sqlalchemy import and_, func, or_, select, text, union, update
from sqlmodel import Session

from storage.fastwrite import chunks, driver_rows, fast_insert, member_of, update_many
from storage.tables.handles import LEAD, SCORE


class StoredState(NamedTuple):
    lead_id: int
    model_version: int
    dirty: bool
    state: Any  # the state as JSON data


def score_states(session: Session, lead_ids: Iterable[int]) -> dict[int, StoredState]:
    """What scoring needs of the stored scores: version, dirty mark and state (no breakdown)."""
    ids = list(set(lead_ids))
    if not ids:
        return {}
    rows: dict[int, StoredState] = {}
    for lead_id, version, dirty, state in driver_rows(
        session,
        f"SELECT lead_id, model_version, dirty, state FROM {SCORE.name}",
        "lead_id",
        ids,
        "integer",
    ):
        if isinstance(state, str | bytes):  # SQLite keeps JSON as text
            state = orjson.loads(state)
        rows[lead_id] = StoredState(lead_id, version, bool(dirty), state)
    return rows


def score_full(
    session: Session, lead_ids: Iterable[int], *, compare: bool = True
) -> dict[int, Any]:
    """The stored scores with their state, to rescore and compare (no timestamps); without
    `compare`, the state and what a transition needs, not the breakdown (the largest part)."""
    if not compare:
        return score_states(session, lead_ids)  # through the driver, as the hot lookups are
    ids = list(set(lead_ids))
    rows: dict[int, Any] = {}
    columns = [SCORE.c.lead_id, SCORE.c.model_version, SCORE.c.dirty, SCORE.c.state]
    columns += [
        SCORE.c.score,
        SCORE.c.fit,
        SCORE.c.engagement,
        SCORE.c.fit_grade,
        SCORE.c.engagement_level,
        SCORE.c.band,
        SCORE.c.qualifies,
        SCORE.c.fast_track,
        SCORE.c.breakdown,
        SCORE.c.next_change_at,
    ]
    stmt = select(*columns)
    for part in chunks(ids):
        for row in session.execute(stmt.where(member_of(session, SCORE.c.lead_id, part))):
            rows[row.lead_id] = row
    return rows


def mark_dirty(session: Session, lead_ids: list[int]) -> None:
    """Mark the leads' stored states as missing events that were stored (rebuilt from their
    events when they are next scored)."""
    for part in chunks(lead_ids):
        session.execute(
            update(SCORE).where(member_of(session, SCORE.c.lead_id, part)).values(dirty=True)
        )


def due_lead_ids(
    session: Session,
    low: int,
    high: int,
    *,
    version: int,
    now: datetime,
    force: bool = False,
) -> list[int]:
    """The ids in [low, high] of the leads whose score may differ at `now`, in order: never
    scored, scored under another model, holding unscored events, or past the moment their
    score was due to change (every lead with `force`)."""
    ld, sc = LEAD.c, SCORE.c
    if force:
        return list(session.scalars(select(ld.id).where(ld.id.between(low, high)).order_by(ld.id)))
    never = (
        select(ld.id)
        .select_from(LEAD.outerjoin(SCORE, sc.lead_id == ld.id))
        .where(ld.id.between(low, high))
    )
    if session.get_bind().dialect.name != "postgresql":
        # SQLite walks the join in-process in a few milliseconds; the indexes PostgreSQL needs
        # here would cost it a tenth of its import speed (storage/tables/scores.py)
        kinds = [
            sc.lead_id.is_(None),
            sc.model_version != version,
            sc.dirty.is_(True),
            sc.next_change_at <= now,
        ]
        return list(session.scalars(never.where(or_(*kinds)).order_by(ld.id)))
    # On PostgreSQL a condition on the join visits every lead of the range, a round of index
    # lookups each; every kind is its own indexed lookup instead. The estimate of the union
    # reaches the JIT threshold, and compiling it would cost more than the lookups; starting
    # parallel workers for a range of 25,000 leads costs more than they share out.
    _small_query(session)
    scored = sc.lead_id.between(low, high)
    lookups = [
        select(sc.lead_id).where(scored, sc.model_version == version, sc.next_change_at <= now),
        select(sc.lead_id).where(
            scored, or_(sc.model_version < version, sc.model_version > version)
        ),
        select(sc.lead_id).where(scored, sc.dirty == True),  # noqa: E712 (the index's form)
        # the range on both sides of the anti-join, or it walks the scores from the first. It
        # reads the keys of every lead and score of the range, as much as counting both to
        # learn whether any lead lacks a score (measured: 10.5 ms a range with it, 11.1 counting)
        select(ld.id)
        .select_from(LEAD.outerjoin(SCORE, and_(sc.lead_id == ld.id, scored)))
        .where(ld.id.between(low, high), sc.lead_id.is_(None)),
    ]
    return sorted(session.scalars(union(*lookups)))


class LeadExtent(NamedTuple):
    low: int | None  # the lowest lead id (None: no leads)
    high: int | None


def lead_extent(session: Session) -> LeadExtent:
    """The lowest and the highest lead id: the two ends of the key's index, where counting
    the leads reads all of it (10 to 70 ms for 100,000 leads before the workers start)."""
    low, high = session.execute(select(func.min(LEAD.c.id), func.max(LEAD.c.id))).one()
    return LeadExtent(low, high)


def mqls_below_the_bar(session: Session, low: int, high: int) -> list[int]:
    """The ids in [low, high] of MQLs whose stored score no longer qualifies, outside a
    fast-track hold: those the expiry looks at every day even when no score is due (one within
    the margin or the grace may have a score that never changes again)."""
    ld, sc = LEAD.c, SCORE.c
    if session.get_bind().dialect.name == "postgresql":
        _small_query(session)
    stmt = (
        select(ld.id)
        .select_from(LEAD.join(SCORE, sc.lead_id == ld.id))
        .where(
            ld.status == "mql",
            ld.id.between(low, high),
            # PostgreSQL does not carry a range across the join: without it, it read every
            # score of the table for each range
            sc.lead_id.between(low, high),
            sc.qualifies == False,  # noqa: E712 (SQL, not Python)
            sc.fast_track.is_(None),
        )
    )
    return sorted(session.scalars(stmt))


def _small_query(session: Session) -> None:
    """For the rest of the transaction, PostgreSQL neither compiles queries (JIT) nor shares
    them out to parallel workers: the rescore's lookups of a range of leads take milliseconds,
    less than either costs to start."""
    session.execute(
        text(
            "SELECT set_config('jit', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
        )
    )


def insert_scores(session: Session, rows: list[dict[str, Any]]) -> None:
    """New lead_score rows, through the driver (a rescore writes thousands)."""
    fast_insert(session, SCORE, rows)


def update_scores(session: Session, rows: list[dict[str, Any]]) -> None:
    """Rewrite the given columns of lead_score rows, keyed by `lead_id`."""
    update_many(session, SCORE, "lead_id", rows)
