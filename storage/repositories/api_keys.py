"""Keys of the ingest API (table api_key), found by name or by the hash of their secret."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session
from sqlmodel import select as orm_select

from storage.tables import ApiKey
from storage.tables.handles import API_KEY


def active_key_id(session: Session, name: str) -> int | None:
    """The id of the key of this name that is not revoked."""
    return session.scalar(
        select(API_KEY.c.id).where(API_KEY.c.name == name, API_KEY.c.revoked_at.is_(None))
    )


def revoked_key(session: Session, name: str) -> Any:
    """(id, revoked_at) of the revoked key of this name, or None."""
    return session.execute(
        select(API_KEY.c.id, API_KEY.c.revoked_at).where(
            API_KEY.c.name == name, API_KEY.c.revoked_at.is_not(None)
        )
    ).first()


def rename_key(session: Session, key_id: int, name: str) -> None:
    session.execute(update(API_KEY).where(API_KEY.c.id == key_id).values(name=name))


def add_key(
    session: Session, *, name: str, prefix: str, hash: str, now: datetime, actor: str
) -> None:
    session.add(ApiKey(name=name, prefix=prefix, hash=hash, created_at=now, created_by=actor))


def all_keys(session: Session) -> list[ApiKey]:
    """Every key, revoked ones too, by name."""
    return list(session.exec(orm_select(ApiKey).order_by(API_KEY.c.name)))


def key_named(session: Session, name: str) -> ApiKey | None:
    return session.exec(orm_select(ApiKey).where(API_KEY.c.name == name)).first()


def key_by_hash(session: Session, hash: str) -> Any:
    """(id, name, hash, revoked_at, last_used_at) of the key whose secret has this hash, or
    None."""
    return session.execute(
        select(
            API_KEY.c.id,
            API_KEY.c.name,
            API_KEY.c.hash,
            API_KEY.c.revoked_at,
            API_KEY.c.last_used_at,
        ).where(API_KEY.c.hash == hash)
    ).first()


def note_use(session: Session, key_id: int, *, now: datetime) -> None:
    session.execute(update(API_KEY).where(API_KEY.c.id == key_id).values(last_used_at=now))
