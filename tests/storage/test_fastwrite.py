"""Bulk writes that take a COPY on PostgreSQL store what a plain INSERT or UPDATE stores."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from storage import fastwrite
from storage.db import session_scope
from storage.repositories import leads as leads_repo
from storage.tables import handles
from tests.conftest import NOW


def leads(engine: Engine, n: int) -> list[int]:
    rows = [
        {
            "email": f"l{i}@x.example",
            "status": "lead",
            "status_since": NOW,
            "created_at": NOW,
            "updated_at": NOW,
            "attributes": {},
        }
        for i in range(n)
    ]
    with session_scope(engine) as s:
        return sorted(r[0] for r in leads_repo.insert_leads(s, rows))


def outbox_row(lead_id: int, key: str, payload: Any) -> dict[str, Any]:
    # no status, attempts, last_error: the table's defaults fill them in
    return {
        "kind": "slack.alert",
        "lead_id": lead_id,
        "dedupe_key": key,
        "payload": payload,
        "next_attempt_at": NOW,
        "created_at": NOW,
        "result": {},
    }


def test_many_rows_get_the_defaults_and_json_a_plain_insert_gives(engine: Engine) -> None:
    n = fastwrite.COPY_FROM + 5
    ids = leads(engine, n)
    with session_scope(engine) as s:
        fastwrite.insert_many(
            s, handles.OUTBOX, [outbox_row(ids[0], "one", {"a": 1})]
        )  # plain INSERT
        fastwrite.insert_many(
            s, handles.OUTBOX, [outbox_row(i, f"k{i}", {"a": 1, "t": "x\ty\n\\"}) for i in ids]
        )  # COPY on PostgreSQL
        fastwrite.insert_many(
            s,
            handles.TRANSITION,
            [
                {
                    "lead_id": i,
                    "from_status": "lead",
                    "to_status": "mql",
                    "cause": "score",
                    "actor": "test",
                    "at": NOW,
                    "details": {"score": 1.5, "list": [1, None]},
                }
                for i in ids
            ],
        )
    with session_scope(engine) as s:
        rows = list(s.execute(select(handles.OUTBOX).order_by(handles.OUTBOX.c.id)))
        moves = list(s.execute(select(handles.TRANSITION)))
    assert len(rows) == n + 1
    assert {(r.status, r.attempts, r.sent_at, r.last_error) for r in rows} == {
        ("pending", 0, None, None)
    }
    assert rows[-1].payload == {"a": 1, "t": "x\ty\n\\"} and rows[-1].next_attempt_at == NOW
    assert len(moves) == n and all(m.details == {"score": 1.5, "list": [1, None]} for m in moves)


def test_duplicates_are_skipped_in_the_batch_and_against_the_table(engine: Engine) -> None:
    ids = leads(engine, fastwrite.COPY_FROM * 2)
    with session_scope(engine) as s:
        fastwrite.insert_ignoring_duplicates(
            s, handles.OUTBOX, [outbox_row(ids[0], "k0", {"v": "old"})], "dedupe_key"
        )
    batch = [outbox_row(i, f"k{n % fastwrite.COPY_FROM}", {"v": n}) for n, i in enumerate(ids)]
    with session_scope(engine) as s:
        fastwrite.insert_ignoring_duplicates(s, handles.OUTBOX, batch, "dedupe_key")
    with session_scope(engine) as s:
        rows = {r.dedupe_key: r.payload for r in s.execute(select(handles.OUTBOX))}
    assert len(rows) == fastwrite.COPY_FROM
    assert rows["k0"] == {"v": "old"} and rows["k1"] == {"v": 1}  # the first of each key wins


@pytest.mark.parametrize("n", [3, 60, fastwrite.ARRAYS_UP_TO + 1], ids=["few", "arrays", "scratch"])
def test_updates_of_other_columns_on_the_same_connection(engine: Engine, n: int) -> None:
    """The scratch table of an update outlives its transaction: other columns need another."""
    ids = leads(engine, n)
    with session_scope(engine) as s:
        fastwrite.update_many(s, handles.LEAD, "id", [{"id": i, "status": "mql"} for i in ids])
        fastwrite.update_many(s, handles.LEAD, "id", [{"id": i, "company": f"C{i}"} for i in ids])
    with session_scope(engine) as s:
        fastwrite.update_many(
            s, handles.LEAD, "id", [{"id": i, "title": "CEO", "status": "sql"} for i in ids]
        )
    with session_scope(engine) as s:
        rows = list(
            s.execute(
                select(
                    handles.LEAD.c.id,
                    handles.LEAD.c.status,
                    handles.LEAD.c.company,
                    handles.LEAD.c.title,
                )
            )
        )
    assert sorted(rows) == [(i, "sql", f"C{i}", "CEO") for i in ids]


def test_updated_values_keep_their_types(engine: Engine) -> None:
    """Numbers that are whole in one row and fractional in the next, JSON, times and NULLs."""
    ids = leads(engine, 4)
    with session_scope(engine) as s:
        fastwrite.fast_insert(
            s,
            handles.SCORE,
            [
                {
                    "lead_id": i,
                    "model_version": 1,
                    "score": 0.0,
                    "fit": 0.0,
                    "engagement": 0.0,
                    "fit_grade": "D",
                    "engagement_level": 4,
                    "band": "cold",
                    "qualifies": False,
                    "breakdown": [],
                    "state": {},
                    "computed_at": NOW,
                    "dirty": False,
                }
                for i in ids
            ],
        )
    updates = [
        {
            "lead_id": i,
            "score": [10, 12.5, 0, -3.25][n],
            "breakdown": [{"n": n}],
            "next_change_at": NOW if n % 2 else None,
            "fast_track": None,
            "qualifies": n == 1,
        }
        for n, i in enumerate(ids)
    ]
    with session_scope(engine) as s:
        fastwrite.update_many(s, handles.SCORE, "lead_id", updates)
    with session_scope(engine) as s:
        rows = {r.lead_id: r for r in s.execute(select(handles.SCORE))}
    for n, i in enumerate(ids):
        assert rows[i].score == [10, 12.5, 0, -3.25][n] and rows[i].breakdown == [{"n": n}]
        assert rows[i].next_change_at == (NOW if n % 2 else None)
        assert rows[i].qualifies is (n == 1) and rows[i].fast_track is None
