"""Set-at-a-time reads and writes for imports and rescoring (Core statements, executemany).

Row-at-a-time ORM work would cost more than the scoring itself at a million events.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, NamedTuple

import orjson
from sqlalchemy import JSON, Table, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.tables import Event, Lead, LeadScore, LifecycleTransition, OutboxMessage, ScoreSnapshot

LEAD: Table = Lead.__table__  # type: ignore[attr-defined]
EVENT: Table = Event.__table__  # type: ignore[attr-defined]
SCORE: Table = LeadScore.__table__  # type: ignore[attr-defined]
TRANSITION: Table = LifecycleTransition.__table__  # type: ignore[attr-defined]
SNAPSHOT: Table = ScoreSnapshot.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]

# SQLite allows 32766 bound parameters per statement; stay well below for IN lists
IN_CHUNK = 900


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def member_of(session: Session, column: Any, values: Sequence[Any]) -> Any:
    """`column IN (values)`; on PostgreSQL `column = ANY(:array)`, one parameter instead of
    hundreds (binding and planning a long IN list costs more than the lookup)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def _driver_rows(
    session: Session, sql: str, column: str, values: Sequence[Any], array_type: str
) -> Iterable[Any]:
    """Rows of `sql WHERE column IN values`, straight from the driver: the hot lookups of every
    API request and import chunk, where SQLAlchemy's compiling and binding of the list cost more
    than the query. On PostgreSQL the values are one binary array (`= ANY`)."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # what Session.execute's autoflush would do
    conn = session.connection()
    if session.get_bind().dialect.name == "postgresql":
        yield from conn.exec_driver_sql(
            f"{sql} WHERE {column} = ANY(%b::{array_type}[])", (list(values),)
        )
        return
    for part in chunks(values):
        yield from conn.exec_driver_sql(
            f"{sql} WHERE {column} IN ({', '.join('?' * len(part))})", tuple(part)
        )


def lead_ids_by(session: Session, column: str, keys: Iterable[str]) -> dict[str, int]:
    assert column in ("email", "external_id")
    wanted = list(set(keys))
    if not wanted:
        return {}
    return {
        key: lead_id
        for key, lead_id in _driver_rows(
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
    for lead_id, version, dirty, state in _driver_rows(
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
    ids = list(set(lead_ids))
    rows: dict[int, Any] = {}
    columns = [SCORE.c.lead_id, SCORE.c.model_version, SCORE.c.dirty, SCORE.c.state]
    if compare:
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


def existing_event_keys(session: Session, keys: Iterable[int]) -> set[int]:
    wanted = list(set(keys))
    if not wanted:
        return set()
    return {
        key
        for (key,) in _driver_rows(
            session,
            f"SELECT idempotency_key FROM {EVENT.name}",
            "idempotency_key",
            wanted,
            "bigint",
        )
    }


# below this many rows a plain INSERT costs less than a COPY (and a scratch table)
COPY_FROM = 20


def insert_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if len(rows) >= COPY_FROM and session.get_bind().dialect.name == "postgresql":
        # executemany costs the server a statement per row; COPY one for all
        fast_insert(session, table, with_defaults(table, rows))
        return
    session.execute(table.insert(), rows)


def with_defaults(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with the columns' Python-side defaults filled in, as an INSERT through
    SQLAlchemy would have them (a COPY sends only what it is given)."""
    missing = [
        c
        for c in table.columns
        if c.name not in rows[0] and c.default is not None and not c.primary_key
    ]
    if not missing:
        return rows
    filled = []
    for row in rows:
        extra = {c.name: _default(c.default) for c in missing if c.name not in row}
        filled.append({**row, **extra})
    return filled


def _default(default: Any) -> Any:
    return default.arg(None) if default.is_callable else default.arg


def _time_value(dialect: str) -> Any:
    """A datetime as storage.types.UTCDateTime binds it, without SQLAlchemy's per-value
    machinery: aware UTC, and on SQLite its fixed-width text."""
    sqlite = dialect == "sqlite"
    last: list[Any] = [None, None]  # many rows share one time (received_at, computed_at)

    def convert(value: Any) -> Any:
        if value is last[0] or value is None:
            return last[1] if value is not None else None
        result: Any = value
        if value.tzinfo is None:
            result = value.replace(tzinfo=UTC)
        elif value.tzinfo is not UTC and value.utcoffset():
            result = value.astimezone(UTC)
        if sqlite:
            result = result.isoformat(sep=" ", timespec="microseconds")[:26]
        last[0], last[1] = value, result
        return result

    return convert


def _json_or_none(value: Any) -> Any:
    return None if value is None else orjson.dumps(value).decode()


def _row_params(
    rows: list[dict[str, Any]], columns: list[str], dialect: str, table: Table | None = None
) -> list[tuple[Any, ...]]:
    """Driver parameters in column order; only columns that hold JSON or times convert."""
    json_columns = (
        {c.name for c in table.columns if isinstance(c.type, JSON)} if table is not None else set()
    )
    steps: list[tuple[int, Any]] = []
    for i, c in enumerate(columns):
        # the first value that is not None tells the column's kind
        sample = next((r[c] for r in rows if r[c] is not None), None)
        if c in json_columns:  # as SQLAlchemy's JSON type writes it: None too is JSON null
            steps.append((i, _json_text))
        elif isinstance(sample, datetime):
            steps.append((i, _time_value(dialect)))
        elif isinstance(sample, dict | list):
            steps.append((i, _json_or_none))
    pick = itemgetter(*columns)
    if len(columns) == 1:
        return [(pick(r),) for r in rows]
    if not steps:
        return [pick(r) for r in rows]
    out = []
    for r in rows:
        values = list(pick(r))
        for i, f in steps:
            values[i] = f(values[i])
        out.append(tuple(values))
    return out


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _placeholder(dialect: str) -> str:
    return "?" if dialect == "sqlite" else "%s"


def fast_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows through the driver's executemany (hot paths: events, scores)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    columns = list(rows[0])
    mark = _placeholder(dialect)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    params = _row_params(rows, columns, dialect, table)
    if dialect == "postgresql":
        _copy(session, table.name, columns, params)
        return
    session.connection().exec_driver_sql(sql, params)


def _copy(session: Session, table: str, columns: list[str], params: list[tuple[Any, ...]]) -> None:
    """PostgreSQL COPY ... FROM STDIN in the session's transaction: one command for all rows,
    where executemany costs a round of work per row."""
    raw: Any = session.connection().connection.driver_connection
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in params:
            copy.write_row(row)


def insert_events(session: Session, rows: list[tuple[Any, ...]], *, received_at: datetime) -> None:
    """INSERT events given as (lead_id, type, occurred_at, properties, key, source) tuples.

    `properties` may be given as JSON bytes already.

    The hottest write of an import: tuples straight to the driver, one conversion per value.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    dumps = orjson.dumps
    if dialect == "postgresql":
        _copy_events(session, rows, received_at)
        return
    convert = _time_value(dialect)
    mark = _placeholder(dialect)
    received = convert(received_at)
    sql = (
        "INSERT INTO event (lead_id, type, occurred_at, properties, idempotency_key, source, "
        f"received_at) VALUES ({', '.join([mark] * 7)})"
    )
    params = [
        (
            lead_id,
            kind,
            convert(at),
            (props if isinstance(props, bytes) else dumps(props)).decode(),
            key,
            source,
            received,
        )
        for lead_id, kind, at, props, key, source in rows
    ]
    session.connection().exec_driver_sql(sql, params)


# The event columns in binary COPY's types. Binary rows need no text formatting in Python nor
# parsing on the server (timestamps are the costly part), and psycopg packs them in C. The JSON
# column travels as bytea: both are the raw bytes on the wire, and json's input function checks
# them as it would text, so orjson's bytes go out as they are.
EVENT_COPY = (
    "COPY event (lead_id, type, occurred_at, properties, idempotency_key, source, "
    "received_at) FROM STDIN (FORMAT BINARY)"
)
EVENT_COPY_TYPES = ["int4", "text", "timestamptz", "bytea", "int8", "text", "timestamptz"]


def _copy_events(session: Session, rows: list[tuple[Any, ...]], received_at: datetime) -> None:
    """The events through one binary COPY."""
    received = received_at if received_at.tzinfo else received_at.replace(tzinfo=UTC)
    dumps = orjson.dumps
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur, cur.copy(EVENT_COPY) as copy:  # type: ignore[union-attr]
        copy.set_types(EVENT_COPY_TYPES)
        write = copy.write_row
        for lead_id, kind, at, props, key, source in rows:
            write(
                (
                    lead_id,
                    kind,
                    at if at.tzinfo else at.replace(tzinfo=UTC),
                    props if isinstance(props, bytes) else dumps(props),
                    key,
                    source,
                    received,
                )
            )


def update_many(session: Session, table: Table, key: str, rows: list[dict[str, Any]]) -> None:
    """UPDATE table SET <the other keys> WHERE key = <key>, for each row (executemany)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    columns = [c for c in rows[0] if c != key]
    mark = _placeholder(dialect)
    sql = (
        f"UPDATE {table.name} SET {', '.join(f'{c} = {mark}' for c in columns)} "
        f"WHERE {key} = {mark}"
    )
    params = _row_params(rows, [*columns, key], dialect)
    if dialect == "postgresql" and len(rows) <= ARRAYS_UP_TO:
        _update_from_arrays(session, table, key, columns, params)
        return
    if dialect == "postgresql":
        # COPY into a scratch table, then one UPDATE ... FROM: far fewer round trips
        conn = session.connection()
        scratch = _scratch(session, table, [*columns, key])
        _copy(session, scratch, [*columns, key], params)
        assignments = ", ".join(f"{c} = u.{c}" for c in columns)
        conn.exec_driver_sql(
            f"UPDATE {table.name} AS t SET {assignments} FROM {scratch} AS u "
            f"WHERE t.{key} = u.{key}"
        )
        return
    session.connection().exec_driver_sql(sql, params)


# up to this many rows a PostgreSQL UPDATE takes its values as one array per column: a single
# statement, where a scratch table costs four (create, truncate, COPY, update)
ARRAYS_UP_TO = 2000


def _update_from_arrays(
    session: Session, table: Table, key: str, columns: list[str], params: list[tuple[Any, ...]]
) -> None:
    names = [*columns, key]
    # binary parameters: psycopg formats text arrays element by element in Python, which cost
    # twenty times the whole statement
    assignments = ", ".join(f"{c} = u.{c}" for c in columns)
    session.connection().exec_driver_sql(
        f"UPDATE {table.name} AS t SET {assignments} FROM "
        f"unnest({_array_params(session, table, names)}) AS u({', '.join(names)}) "
        f"WHERE t.{key} = u.{key}",
        _arrays(params),
    )


def _array_params(session: Session, table: Table, names: list[str]) -> str:
    dialect = session.get_bind().dialect
    return ", ".join(f"%b::{table.c[n].type.compile(dialect=dialect)}[]" for n in names)


def _arrays(params: list[tuple[Any, ...]]) -> tuple[list[Any], ...]:
    return tuple(_uniform(list(values)) for values in zip(*params, strict=True))


def _uniform(values: list[Any]) -> list[Any]:
    """psycopg dumps a list of one Python type only: whole-number floats come back from
    arithmetic as ints now and then."""
    kinds = {type(v) for v in values if v is not None}
    if float in kinds and int in kinds:
        return [None if v is None else float(v) for v in values]
    return values


def insert_ignoring_duplicates(
    session: Session, table: Table, rows: list[dict[str, Any]], unique: str
) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql" and len(rows) >= COPY_FROM:
        rows = with_defaults(table, rows)
        columns = list(rows[0])
        names = ", ".join(columns)
        scratch = _scratch(session, table, columns)
        _copy(session, scratch, columns, _row_params(rows, columns, dialect, table))
        session.connection().exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {scratch} "
            f"ON CONFLICT ({unique}) DO NOTHING"
        )
        return
    ins = pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    session.execute(ins.on_conflict_do_nothing(index_elements=[unique]), rows)


def _scratch(session: Session, table: Table, columns: list[str]) -> str:
    """An empty temporary table with these columns of `table`. It outlives the transaction (it
    belongs to the pooled connection), so its name says which columns it has."""
    conn = session.connection()
    scratch = f"_upd_{table.name}_{zlib.crc32(' '.join(columns).encode()):08x}"
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {scratch} AS SELECT "
        f"{', '.join(columns)} FROM {table.name} WITH NO DATA"
    )
    conn.exec_driver_sql(f"TRUNCATE {scratch}")
    return scratch
