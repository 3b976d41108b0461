"""Anonymous ids linked to leads (table lead_alias)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.fastwrite import chunks
from storage.tables.handles import ALIAS, LEAD


def link(session: Session, alias: str, lead_id: int, *, now: datetime) -> None:
    """Point `alias` at the lead; an alias linked before follows the newest identify."""
    dialect = session.get_bind().dialect.name
    ins = (pg_insert if dialect == "postgresql" else sqlite_insert)(ALIAS).values(
        alias=alias, lead_id=lead_id, created_at=now
    )
    session.execute(ins.on_conflict_do_update(index_elements=["alias"], set_={"lead_id": lead_id}))


def identities(
    session: Session, aliases: Iterable[str]
) -> dict[str, tuple[str | None, str | None]]:
    """alias -> (email, external id) of the lead it names."""
    found: dict[str, tuple[str | None, str | None]] = {}
    stmt = select(ALIAS.c.alias, LEAD.c.email, LEAD.c.external_id).join(
        LEAD, LEAD.c.id == ALIAS.c.lead_id
    )
    for part in chunks(sorted(set(aliases))):
        for alias, email, external_id in session.execute(stmt.where(ALIAS.c.alias.in_(part))):
            found[alias] = (email, external_id)
    return found
