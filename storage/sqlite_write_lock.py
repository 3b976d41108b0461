"""An engine whose transactions on SQLite begin with BEGIN IMMEDIATE.

pysqlite begins transactions lazily and as readers: two requests that both read a lead and then
write would find at the write that the other has committed in between, and one fails with
"database is locked" whatever the busy timeout. BEGIN IMMEDIATE takes the write lock first, so
concurrent writers queue up (for up to the busy timeout) instead. This is SQLAlchemy's
documented recipe for pysqlite; it needs an engine of its own because it turns off pysqlite's
transaction handling for every connection of the pool.

The same engine also gives read-only snapshots (`snapshot_engine`): its connections then begin
with a plain BEGIN, which in WAL mode reads one consistent moment without taking the lock.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from storage.db import DatabaseURLError, make_engine

_IMMEDIATE: weakref.WeakSet[Engine] = weakref.WeakSet()


def immediate_engine(engine: Engine) -> Engine:
    """For a SQLite file, a new engine on it that begins immediately; else `engine` itself.

    An in-memory database lives in its one connection, so it cannot have a second engine.
    """
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return engine
    try:
        eng = make_engine(engine.url.render_as_string(hide_password=False))
    except DatabaseURLError:
        return engine  # its folder is gone: every request fails alike, with the same message

    @event.listens_for(eng, "connect")
    def _no_pysqlite_transactions(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(eng, "begin")
    def _begin_immediate(conn: Connection) -> None:
        snapshot = conn.get_execution_options().get(SNAPSHOT, False)
        conn.exec_driver_sql("BEGIN" if snapshot else "BEGIN IMMEDIATE")

    _IMMEDIATE.add(eng)
    return eng


SNAPSHOT = "sdrbot_snapshot"


def snapshot_engine(engine: Engine) -> Engine | None:
    """Read-only transactions that see one snapshot of an immediate engine's database (BEGIN
    DEFERRED: a WAL reader, which neither waits for the writer nor holds it up); None when
    `engine` is not one (pysqlite would begin no transaction for reads at all, so each
    statement would see a different moment)."""
    if engine.dialect.name != "sqlite" or engine not in _IMMEDIATE:
        return None
    return engine.execution_options(**{SNAPSHOT: True})
