"""The lead table: the set-at-a-time reads and writes of imports, the API and rescoring, and
the lookups, lists and histories people ask for."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, or_, select, update
from sqlmodel import Session, col

from storage.fastwrite import chunks, driver_rows, member_of, update_many
from storage.tables import Event, Lead, LeadScore, LifecycleTransition
from storage.tables.handles import EVENT, LEAD, SCORE


def lead_ids_by(session: Session, column: str, keys: Iterable[str]) -> dict[str, int]:
    """Key -> lead id of the leads whose `column` ("email" or "external_id") is one of `keys`."""
    assert column in ("email", "external_id")
    wanted = list(set(keys))
    if not wanted:
        return {}
    return {
        key: lead_id
        for key, lead_id in driver_rows(
            session, f"SELECT {column}, id FROM {LEAD.name}", column, wanted, "varchar"
        )
    }


def scoring_columns(model: Any) -> list[Any]:
    """The lead columns scoring reads: status, and only the fields the model's fit rules test."""
    names = ["id", "status", "status_since", "email", "external_id"]
    needs_attributes = False
    for name in getattr(model, "fit_fields", ()):
        if name == "email_domain":
            name = "email"
        if name in LEAD.c and name not in names:
            names.append(name)
        elif name not in LEAD.c:
            needs_attributes = True
    columns = [LEAD.c[n] for n in names]
    if needs_attributes:
        columns.append(LEAD.c.attributes)
    return columns


def lead_rows(
    session: Session,
    lead_ids: Iterable[int],
    columns: list[Any] | None = None,
    *,
    lock: bool = False,
) -> dict[int, Any]:
    """Lead rows by id: every column, or the given ones (they must include `id`).

    `lock`: on PostgreSQL the rows are locked for update as they are read, in id order (see
    storage/repositories/locks.py), which saves the separate round trip of lock_leads."""
    ids = list(set(lead_ids))
    rows: dict[int, Any] = {}
    stmt = select(*columns) if columns else select(LEAD)
    if lock and session.get_bind().dialect.name == "postgresql":
        ids.sort()
        stmt = stmt.order_by(LEAD.c.id).with_for_update()
    for part in chunks(ids):
        for row in session.execute(stmt.where(member_of(session, LEAD.c.id, part))):
            rows[row.id] = row
    return rows


def scoring_rows(
    session: Session, lead_ids: Iterable[int], model: Any, *, lock: bool = False
) -> dict[int, Any]:
    """Lead rows by id with the columns scoring under `model` reads (`scoring_columns`)."""
    columns = scoring_columns(model)
    if lock or session.get_bind().dialect.name != "postgresql":
        return lead_rows(session, lead_ids, columns, lock=lock)
    # straight from the driver, as the hot lookups are: SQLAlchemy's processing of each row cost
    # a rescore half of this read (PostgreSQL gives the times with their zone as they are).
    # In parts: for 2,000 ids the planner's estimate of an index scan of the lead table is that
    # of reading all of it, and it took the sequential scan, ten times slower, now and then.
    sql = f"SELECT {', '.join(c.name for c in columns)} FROM {LEAD.name}"
    rows: dict[int, Any] = {}
    for part in chunks(list(set(lead_ids))):
        rows.update((r.id, r) for r in driver_rows(session, sql, "id", part, "integer"))
    return rows


def insert_leads(
    session: Session, rows: list[dict[str, Any]]
) -> list[tuple[int, str | None, str | None]]:
    """Insert leads; return (id, email, external_id) of each, in no particular order.

    Asking for the ids in parameter order makes SQLAlchemy insert row by row on SQLite.
    """
    if not rows:
        return []
    stmt = LEAD.insert().returning(LEAD.c.id, LEAD.c.email, LEAD.c.external_id)
    return [(r[0], r[1], r[2]) for r in session.execute(stmt, rows)]


def update_leads(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write the given columns of each lead row (`id` names the lead)."""
    update_many(session, LEAD, "id", rows)


def rename_lead(
    session: Session, lead_id: int, *, email: str | None, external_id: str | None, now: datetime
) -> None:
    """Give the lead another identity (an anonymous visitor who turned out to be a person)."""
    session.execute(
        update(LEAD)
        .where(LEAD.c.id == lead_id)
        .values(email=email, external_id=external_id, updated_at=now)
    )


def merge_lead(session: Session, gone: int, *, into: int) -> None:
    """Move the events of lead `gone` to lead `into` and delete `gone`.

    `into`'s stored state lacks the moved events: it is marked dirty, so its next scoring
    rebuilds it from all of them."""
    session.execute(update(EVENT).where(EVENT.c.lead_id == gone).values(lead_id=into))
    session.execute(update(SCORE).where(SCORE.c.lead_id == into).values(dirty=True))
    session.execute(delete(LEAD).where(LEAD.c.id == gone))


def count_leads(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(LEAD)) or 0)


def id_range(session: Session) -> tuple[int | None, int | None, int]:
    """The lowest and highest lead id, and how many leads there are."""
    low, high, count = session.execute(
        select(func.min(LEAD.c.id), func.max(LEAD.c.id), func.count())
    ).one()
    return low, high, int(count)


def get_lead(session: Session, lead_id: int) -> Lead | None:
    return session.get(Lead, lead_id)


def find_lead(*, session: Session, query: str) -> Lead | None:
    """A lead by e-mail, external id or internal id (in that order); `#31` names lead 31, as
    every card's footer writes it."""
    text = query.strip()
    if not text:
        return None
    stmt = select(Lead).where(or_(col(Lead.email) == text.lower(), col(Lead.external_id) == text))
    lead = session.scalars(stmt).first()
    number = text.removeprefix("#").strip()
    if lead is None and number.isdigit():
        lead = session.get(Lead, int(number))
    return lead


def _search_terms(query: str) -> tuple[Any, Any]:
    text = query.strip().lower()
    full_name = func.lower(
        func.coalesce(LEAD.c.first_name, "") + " " + func.coalesce(LEAD.c.last_name, "")
    )
    like = f"%{text}%"
    where = or_(
        func.lower(LEAD.c.email).like(like),
        full_name.like(like),
        func.lower(LEAD.c.company).like(like),
    )
    exact = or_(
        func.lower(LEAD.c.email) == text,
        full_name == text,
        func.lower(LEAD.c.last_name) == text,
        func.lower(LEAD.c.first_name) == text,
        func.lower(LEAD.c.company) == text,
    )
    return where, exact


def search_leads(*, session: Session, query: str, limit: int = 10) -> tuple[list[Lead], int]:
    """Leads whose e-mail, name or company contains the query (case-insensitive), ranked:
    exact matches of a name, company or e-mail first, then open MQLs, then the higher score;
    and how many match in all. Slack's /lead and `sdrbot lead` both ask this."""
    where, exact = _search_terms(query)
    total = session.execute(select(func.count()).select_from(LEAD).where(where)).scalar_one()
    stmt = (
        select(Lead)
        .outerjoin(SCORE, SCORE.c.lead_id == LEAD.c.id)
        .where(where)
        .order_by(
            case((exact, 0), else_=1),
            case((LEAD.c.status == "mql", 0), else_=1),
            func.coalesce(SCORE.c.score, -1e9).desc(),
            LEAD.c.id,
        )
        .limit(limit)
    )
    return list(session.scalars(stmt)), int(total)


def score_of(*, session: Session, lead_id: int) -> LeadScore | None:
    return session.get(LeadScore, lead_id)


def recent_events(*, session: Session, lead_id: int, limit: int = 10) -> list[Event]:
    stmt = (
        select(Event)
        .where(col(Event.lead_id) == lead_id)
        .order_by(col(Event.occurred_at).desc(), col(Event.id).desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def latest_event_at(session: Session, lead_id: int, kind: str) -> datetime | None:
    """When the lead's latest event of type `kind` happened (its hand-raise, say)."""
    stmt = select(func.max(EVENT.c.occurred_at)).where(
        EVENT.c.lead_id == lead_id, EVENT.c.type == kind
    )
    found: datetime | None = session.execute(stmt).scalar_one_or_none()
    return found


def transitions_of(*, session: Session, lead_id: int, limit: int = 20) -> list[LifecycleTransition]:
    stmt = (
        select(LifecycleTransition)
        .where(col(LifecycleTransition.lead_id) == lead_id)
        .order_by(col(LifecycleTransition.at).desc(), col(LifecycleTransition.id).desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def ranked(
    *, session: Session, status: str | None = None, limit: int | None = 20
) -> list[tuple[Lead, LeadScore | None]]:
    stmt = (
        select(Lead, LeadScore)
        .outerjoin(LeadScore, col(LeadScore.lead_id) == col(Lead.id))
        .order_by(func.coalesce(SCORE.c.score, -1e9).desc(), col(Lead.id))
    )
    if status:
        stmt = stmt.where(col(Lead.status) == status)
    if limit:
        stmt = stmt.limit(limit)
    return [(lead, sc) for lead, sc in session.execute(stmt)]


def iter_export_rows(*, session: Session, batch: int = 5000) -> Iterator[dict[str, Any]]:
    stmt = (
        select(
            LEAD,
            SCORE.c.score,
            SCORE.c.fit,
            SCORE.c.engagement,
            SCORE.c.fit_grade,
            SCORE.c.engagement_level,
            SCORE.c.qualifies,
        )
        .select_from(LEAD.outerjoin(SCORE, SCORE.c.lead_id == LEAD.c.id))
        .order_by(LEAD.c.id)
        .execution_options(yield_per=batch)
    )
    for row in session.execute(stmt):
        yield dict(row._mapping)
