"""Engines and sessions: SQLite by default (WAL, foreign keys, busy timeout), or PostgreSQL.

`DATABASE_URL` picks the database; the default is `sqlite:///sdrbot.db` in the working directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

DEFAULT_DATABASE_URL = "sqlite:///sdrbot.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseURLError(ValueError):
    pass


def database_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    # scores, breakdowns and states are JSON on every row: the standard library is the bottleneck
    kwargs.setdefault("json_serializer", _json_dumps)
    kwargs.setdefault("json_deserializer", orjson.loads)
    raw = normalise_url(database_url(url))
    try:
        parsed = make_url(raw)
    except ArgumentError as exc:
        raise DatabaseURLError(
            f"DATABASE_URL {raw!r} is not a database URL; use e.g. sqlite:///sdrbot.db or "
            "postgresql://user@localhost:5432/sdrbot"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(raw, parsed.database, **kwargs)
    if parsed.get_backend_name() != "postgresql":
        raise DatabaseURLError(
            f"sdrbot supports SQLite and PostgreSQL, not "
            f"{parsed.get_backend_name()!r} (DATABASE_URL={raw!r})"
        )
    # psycopg prepares a statement after five runs and PostgreSQL may then keep a generic plan;
    # for `id = ANY(:ids)` on a table that grew since its statistics that plan is a sequential
    # scan per call, which turned a 30-second import into minutes
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("prepare_threshold", None)
    return create_engine(raw, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _sqlite_engine(raw: str, database: str | None, **kwargs: Any) -> Engine:
    memory = not database or database == ":memory:"
    if memory:
        # one shared connection, or every session would see its own empty database
        kwargs.setdefault("poolclass", StaticPool)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    else:
        parent = Path(database).expanduser().resolve().parent  # type: ignore[arg-type]
        if not parent.exists():
            raise DatabaseURLError(
                f"the folder {parent} of the SQLite database does not exist; "
                "create it or point DATABASE_URL elsewhere"
            )
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    engine = create_engine(raw, **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            # checkpoint every 64 MB of log rather than 4 MB: bulk imports rewrite the same index
            # pages over and over, and each checkpoint writes them back and syncs
            cur.execute("PRAGMA wal_autocheckpoint=16384")
        cur.execute("PRAGMA foreign_keys=ON")
        # the default 2 MB page cache makes index upkeep of a million-event table disk-bound
        cur.execute("PRAGMA cache_size=-65536")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def ping(engine: Engine) -> None:
    """One round trip to the database (a readiness check); raises SQLAlchemyError when it
    does not answer."""
    with engine.connect() as conn:
        conn.execute(text("select 1"))


def with_schema(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use `schema`. The schema travels in the URL because
    worker processes reconnect from the URL alone."""
    parsed = make_url(normalise_url(url)).update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


def describe(engine: Engine) -> str:
    """The URL without its password, for messages and logs."""
    return engine.url.render_as_string(hide_password=True)
