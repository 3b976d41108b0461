"""Events import on PostgreSQL with the COPY in a writer thread
(bot/usecases/imports/pipelined_postgres.py).

Whatever fails, in the writer or while the next chunk is prepared, every chunk is stored wholly
or not at all, and the scores are those a one-transaction-after-the-other import gives.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.usecases.imports import pipelined_postgres as overlap
from bot.usecases.imports.csv_import import ImportReport, import_file
from storage.db import make_engine, session_scope, with_schema
from storage.repositories import events as events_repo
from storage.schema import upgrade
from storage.tables import handles as bulk
from tests.conftest import NOW, PG_URL
from tests.storage.helpers import EVENT_HEADER, LEAD_HEADER, write_csv

pytestmark = pytest.mark.postgres
CHUNK = 5


@pytest.fixture
def plain_pg(pg_engine: Engine) -> Iterator[Engine]:
    """A second schema, imported into one transaction after the other (the reference)."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = make_engine(with_schema(PG_URL, schema))
    upgrade(eng)
    yield eng
    eng.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def files(folder: Path, poison_at: int | None = None) -> tuple[Path, Path]:
    """Leads l0..l5, events of those and of unknown leads n0..n3 that the import creates (each
    named by two events in a row of new leads, often in two chunks)."""
    leads = [
        [
            f"l{i}@x.example",
            "",
            "",
            "",
            "CEO" if i % 2 else "Manager",
            "",
            "Software",
            "120",
            "",
            "",
        ]
        for i in range(6)
    ]
    events: list[list[object]] = []
    for i in range(30):
        who = f"n{i // 6 % 4}@x.example" if i % 3 == 0 else f"l{i % 6}@x.example"
        kind = "webinar_attended" if i % 7 == 0 else "page_view"
        events.append(
            [
                who,
                kind,
                (NOW - timedelta(hours=30 - i)).isoformat(),
                f"https://x.example/product/{i}",
                "",
            ]
        )
    if poison_at is not None:
        events.insert(poison_at, ["n9@x.example", "poison", NOW.isoformat(), "", ""])
    return (
        write_csv(folder / "leads.csv", LEAD_HEADER, leads),
        write_csv(folder / "events.csv", EVENT_HEADER, events),
    )


def run(engine: Engine, leads: Path, events: Path) -> ImportReport:
    assert not import_file(engine, leads, "leads", now=NOW, actor="test").errors
    return import_file(engine, events, "events", now=NOW, actor="test", chunk=CHUNK)


def stored(engine: Engine) -> list[tuple[Any, ...]]:
    """Per lead: status, score, state, dirty mark, events stored (ids differ between schemas)."""
    lead, score, event = bulk.LEAD.c, bulk.SCORE.c, bulk.EVENT.c
    events = (select(func.count()).where(event.lead_id == lead.id)).scalar_subquery()
    with session_scope(engine) as s:
        return [
            tuple(r)
            for r in s.execute(
                select(lead.email, lead.status, score.score, score.state, score.dirty, events)
                .outerjoin(bulk.SCORE, score.lead_id == lead.id)
                .order_by(lead.email)
            )
        ]


def reference(
    engine: Engine, folder: Path, monkeypatch: pytest.MonkeyPatch, poison_at: int | None = None
) -> list[tuple[Any, ...]]:
    with monkeypatch.context() as m:
        m.setattr(overlap, "worthwhile", lambda engine: False)
        run(engine, *files(folder, poison_at))
    return stored(engine)


def refuse(
    monkeypatch: pytest.MonkeyPatch, target: Any, name: str, when: Any, error: BaseException
) -> list[int]:
    """Make `target.name` raise `error` when `when(args)` holds; returns the call count."""
    real = getattr(target, name)
    calls: list[int] = []

    def refusing(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if when(args):
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, refusing)
    return calls


def test_the_overlapped_import_stores_and_scores_what_the_plain_one_does(
    pg_engine: Engine, plain_pg: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = reference(plain_pg, tmp_path, monkeypatch)
    report = run(pg_engine, *files(tmp_path))
    assert report.accepted == 30 and report.created == 4 and not report.errors
    assert stored(pg_engine) == expected
    assert not any(row[4] for row in expected)  # nothing left dirty


def test_a_chunk_the_writer_cannot_store_costs_only_its_refused_row(
    pg_engine: Engine, plain_pg: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refused chunk created a lead the chunk prepared behind it names: both run again."""
    poison = IntegrityError("COPY", {}, Exception("check constraint: poison"))
    refuse(
        monkeypatch,
        events_repo,
        "insert_events",
        lambda a: any(r[1] == "poison" for r in a[1]),
        poison,
    )
    ref = reference(plain_pg, tmp_path, monkeypatch, poison_at=7)
    report = run(pg_engine, *files(tmp_path, poison_at=7))
    assert report.accepted == 30 and [e.line for e in report.errors] == [9]
    assert "database refused the row" in report.errors[0].message
    assert stored(pg_engine) == ref
    assert "n9@x.example" not in [row[0] for row in ref]


def test_a_chunk_refused_while_it_is_prepared_runs_again_on_its_own(
    pg_engine: Engine, plain_pg: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = reference(plain_pg, tmp_path, monkeypatch)
    from bot.usecases.imports import bulk_events

    calls = refuse(
        monkeypatch,
        bulk_events,
        "load_states",
        lambda a: len(calls) == 2,
        OperationalError("SELECT", {}, Exception("connection reset")),
    )
    report = run(pg_engine, *files(tmp_path))
    assert report.accepted == 30 and not report.errors
    assert stored(pg_engine) == expected


def test_any_other_error_in_the_writer_stops_the_import_between_whole_chunks(
    pg_engine: Engine, plain_pg: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = reference(plain_pg, tmp_path, monkeypatch)
    calls = refuse(
        monkeypatch,
        events_repo,
        "insert_events",
        lambda a: len(calls) == 3,
        RuntimeError("disk on fire"),
    )
    leads, events = files(tmp_path)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run(pg_engine, leads, events)
    rows = stored(pg_engine)
    assert sum(row[5] for row in rows) == 2 * CHUNK  # the two chunks before it, whole
    assert not any(row[4] for row in rows)  # and what they stored is scored
    monkeypatch.undo()
    again = import_file(pg_engine, events, "events", now=NOW, actor="test", chunk=CHUNK)
    assert again.accepted == 30 - 2 * CHUNK and again.duplicates == 2 * CHUNK
    assert stored(pg_engine) == expected


@pytest.mark.parametrize("second_refused", [False, True])
def test_an_error_while_reading_the_file_keeps_the_chunk_in_flight_if_it_lands(
    pg_engine: Engine,
    plain_pg: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    second_refused: bool,
) -> None:
    from bot.usecases.imports import csv_import as importer

    landed = 1 if second_refused else 2
    leads, events = files(tmp_path)
    lines = events.read_text().splitlines(keepends=True)
    (tmp_path / "first.csv").write_text("".join(lines[: 1 + landed * CHUNK]))
    with monkeypatch.context() as m:
        m.setattr(overlap, "worthwhile", lambda engine: False)
        run(plain_pg, leads, tmp_path / "first.csv")
    real = importer.read_events

    def breaking(source: Any, now: Any) -> Any:
        for i, item in enumerate(real(source, now)):
            if i == 2 * CHUNK + 1:  # the second chunk is in flight
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(importer, "read_events", breaking)
    if second_refused:
        calls = refuse(
            monkeypatch,
            events_repo,
            "insert_events",
            lambda a: len(calls) == 2,
            IntegrityError("COPY", {}, Exception("refused")),
        )
    with pytest.raises(KeyboardInterrupt):
        run(pg_engine, leads, events)
    assert stored(pg_engine) == stored(plain_pg)  # nothing of a refused chunk in the scores
