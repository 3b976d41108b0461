"""Stored events (table event): which idempotency keys are taken, and the hot inserts of
imports and the API."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlmodel import Session

from storage.fastwrite import chunks, driver_rows, fast_insert, member_of
from storage.fastwrite.params import placeholder, time_value
from storage.fastwrite.postgres import binary_copy
from storage.tables.handles import EVENT

# the columns of insert_events' tuples, and of its binary COPY
COLUMNS = ["lead_id", "type", "occurred_at", "properties", "idempotency_key", "source"]
# The event columns in binary COPY's types. The JSON column travels as bytea: both are the raw
# bytes on the wire, and json's input function checks them as it would text, so orjson's bytes
# go out as they are.
COPY_TYPES = ["int4", "text", "timestamptz", "bytea", "int8", "text", "timestamptz"]


def existing_event_keys(session: Session, keys: Iterable[int]) -> set[int]:
    """The idempotency keys among `keys` that stored events hold."""
    wanted = list(set(keys))
    if not wanted:
        return set()
    return {
        key
        for (key,) in driver_rows(
            session,
            f"SELECT idempotency_key FROM {EVENT.name}",
            "idempotency_key",
            wanted,
            "bigint",
        )
    }


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """INSERT events given as rows (every column but `id`)."""
    fast_insert(session, EVENT, rows)


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
    convert = time_value(dialect)
    mark = placeholder(dialect)
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


def _copy_events(session: Session, rows: list[tuple[Any, ...]], received_at: datetime) -> None:
    """The events through one binary COPY."""
    received = received_at if received_at.tzinfo else received_at.replace(tzinfo=UTC)
    dumps = orjson.dumps
    with binary_copy(session, EVENT.name, [*COLUMNS, "received_at"], COPY_TYPES) as copy:
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


def events_in_order(
    session: Session, lead_ids: Sequence[int]
) -> Iterator[tuple[int, str, datetime, dict[str, Any] | None]]:
    """(lead id, type, occurred_at, properties) of the leads' events, each lead's in time order:
    what a state is rebuilt from."""
    for part in chunks(lead_ids):
        stmt = (
            select(EVENT.c.lead_id, EVENT.c.type, EVENT.c.occurred_at, EVENT.c.properties)
            .where(member_of(session, EVENT.c.lead_id, part))
            .order_by(EVENT.c.lead_id, EVENT.c.occurred_at)
        )
        yield from session.execute(stmt)
