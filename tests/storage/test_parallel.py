"""Worker processes: a rescore and an import's final scoring give what one process gives."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.usecases.imports.csv_import import import_file
from bot.usecases.lifecycle import parallel_scoring as parallel
from bot.usecases.lifecycle.rescore import rescore_all
from storage.db import make_engine, session_scope, with_schema
from storage.tables import handles as bulk
from tests.conftest import NOW, PG_URL
from tests.storage.helpers import EVENT_HEADER, LEAD_HEADER, write_csv

T = NOW - timedelta(days=1)


def scores(engine: Engine) -> list[tuple[object, ...]]:
    with session_scope(engine) as s:
        return [
            tuple(r)
            for r in s.execute(
                select(
                    bulk.SCORE.c.lead_id,
                    bulk.SCORE.c.score,
                    bulk.SCORE.c.band,
                    bulk.SCORE.c.breakdown,
                    bulk.SCORE.c.dirty,
                ).order_by(bulk.SCORE.c.lead_id)
            )
        ]


def statuses(engine: Engine) -> list[tuple[object, ...]]:
    with session_scope(engine) as s:
        return [
            tuple(r)
            for r in s.execute(
                select(bulk.LEAD.c.email, bulk.LEAD.c.status).order_by(bulk.LEAD.c.email)
            )
        ]


def load(engine: Engine, folder: Path) -> None:
    leads = [
        [
            f"l{i}@x.example",
            "",
            "",
            "",
            "CEO" if i % 3 == 0 else "Manager",
            "",
            "Hospitality" if i % 2 else "Software",
            str(40 + i),
            "",
            "",
        ]
        for i in range(60)
    ]
    events = []
    for i in range(60):
        for d in range(i % 5):
            events.append(
                [
                    f"l{i}@x.example",
                    "page_view",
                    (T - timedelta(days=d)).isoformat(),
                    "https://x.example/product",
                    "",
                ]
            )
        if i % 7 == 0:
            events.append([f"l{i}@x.example", "webinar_attended", T.isoformat(), "", ""])
    write_csv(folder / "leads.csv", LEAD_HEADER, leads)
    write_csv(folder / "events.csv", EVENT_HEADER, events)
    for kind in ("leads", "events"):
        report = import_file(
            engine,
            folder / f"{kind}.csv",
            kind,
            now=NOW,  # type: ignore[arg-type]
            actor="test",
        )
        assert not report.errors


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def twin_engines(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Engine, Engine]:
    """Two databases that other processes can open: one scored in-process, one by workers."""
    if request.param == "sqlite":
        return (
            make_engine(f"sqlite:///{tmp_path / 'one.db'}"),
            make_engine(f"sqlite:///{tmp_path / 'many.db'}"),
        )
    pg = request.getfixturevalue("pg_engine")
    other = request.getfixturevalue("pg_engine_2")
    return pg, other


@pytest.fixture
def pg_engine_2(pg_engine: Engine) -> Engine:
    schema = pg_engine.url.query["options"].split("=", 1)[1] + "_b"  # type: ignore[union-attr]
    from sqlalchemy import text

    from storage.schema import upgrade

    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = make_engine(with_schema(PG_URL, schema))
    upgrade(eng)
    yield eng  # type: ignore[misc]
    eng.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_workers_score_exactly_like_one_process(
    twin_engines: tuple[Engine, Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, many = twin_engines
    from storage.schema import upgrade

    for eng in (one, many):
        upgrade(eng)
    load(one, tmp_path)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr("bot.usecases.imports.bulk_events.TASK", 7)  # several tasks per worker
    monkeypatch.setattr("bot.usecases.lifecycle.rescore.RANGE", 9)
    load(many, tmp_path)
    assert scores(many) == scores(one) and statuses(many) == statuses(one)
    assert not any(row[-1] for row in scores(many))  # nothing left dirty

    later = NOW + timedelta(days=120)
    alone = rescore_all(one, now=later, actor="test", workers=1)
    summary = rescore_all(many, now=later, actor="test", workers=2)
    assert summary.scored == alone.scored > 0 and summary.transitions == alone.transitions
    assert scores(many) == scores(one) and statuses(many) == statuses(one)
