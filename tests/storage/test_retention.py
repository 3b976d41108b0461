"""`sdrbot db prune`'s deletions: sent messages and delivery ids past their age go, in batches;
what a later step still reads stays."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.usecases.admin import retention
from storage.db import session_scope
from storage.repositories import rejected as rejected_repo
from storage.repositories import retention as repo
from storage.repositories.decisions import latest_alert
from storage.repositories.rejected import NewRejection
from tests.conftest import NOW
from tests.storage.outbox_rows import (
    add_alert,
    add_ids,
    add_lead,
    add_row,
    alert_rows,
    id_count,
    outbox_ids,
)

OLD = NOW - timedelta(days=40)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def no_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Most tests look at the age rules alone; test_the_newest_sent_rows_stay sets a floor."""
    monkeypatch.setattr(retention, "KEEP_NEWEST_SENT", 0)


def prune(engine: Engine, **kwargs: Any) -> retention.Pruned:
    with session_scope(engine) as s:
        return retention.prune(session=s, now=NOW, **kwargs)


def test_old_sent_rows_go_and_everything_still_needed_stays(engine: Engine) -> None:
    a, b = add_lead(engine, OLD), add_lead(engine, OLD)
    first_of_a = add_alert(engine, a, OLD)  # a was an MQL twice: only its latest alert counts
    latest_of_a = add_alert(engine, a, OLD + DAY)
    only_of_b = add_alert(engine, b, OLD)
    gone = {
        add_row(engine, kind=kind, lead_id=a, sent_at=OLD + DAY, created_at=OLD)
        for kind in ("slack.update", "slack.thread", "slack.handover", "webhook")
    }
    kept = {
        add_row(engine, status="failed", created_at=OLD),  # for `sdrbot webhook redeliver`
        add_row(engine, status="pending", created_at=OLD),
        add_row(
            engine,
            status="pending",
            created_at=OLD,
            attempts=3,  # claimed
            next_attempt_at=NOW + timedelta(seconds=60),
        ),
        add_row(engine, kind="slack.update", lead_id=b, sent_at=NOW - DAY, created_at=OLD),
        latest_of_a,
        only_of_b,
    }
    add_ids(engine, NOW - timedelta(days=8), 3)
    add_ids(engine, NOW - timedelta(days=6), 2)

    assert prune(engine, dry_run=True) == retention.Pruned(outbox=5, ingest_message=3)
    assert outbox_ids(engine) == kept | gone | {first_of_a} and id_count(engine) == 5

    assert prune(engine) == retention.Pruned(outbox=5, ingest_message=3)
    assert outbox_ids(engine) == kept
    assert id_count(engine) == 2
    # the superseded alert's location went with it; the ones a decision updates are there
    assert alert_rows(engine) == {latest_of_a, only_of_b}
    with session_scope(engine) as s:
        found = latest_alert(session=s, lead_id=a)
        assert found is not None and found.outbox_id == latest_of_a
    assert prune(engine) == retention.Pruned()


def test_one_age_for_both_tables_when_given(engine: Engine) -> None:
    add_row(engine, sent_at=NOW - timedelta(days=3), created_at=NOW - timedelta(days=3))
    add_row(engine, sent_at=NOW - timedelta(hours=1), created_at=NOW - timedelta(hours=1))
    add_ids(engine, NOW - timedelta(days=3))
    add_ids(engine, NOW - timedelta(days=10))
    assert prune(engine, dry_run=True) == retention.Pruned(outbox=0, ingest_message=1)
    assert prune(engine, older_than=timedelta(days=30)) == retention.Pruned()
    assert prune(engine, older_than=timedelta(hours=12)) == retention.Pruned(
        outbox=1, ingest_message=2
    )


def test_the_newest_sent_rows_stay_for_the_channel_ids(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "KEEP_NEWEST_SENT", 2)
    rows = [add_row(engine, sent_at=OLD, created_at=OLD) for _ in range(5)]
    failed = add_row(engine, status="failed", created_at=OLD)  # counts not among the sent
    assert prune(engine) == retention.Pruned(outbox=3)
    assert outbox_ids(engine) == {*rows[-2:], failed}
    assert prune(engine) == retention.Pruned()


def test_fewer_sent_rows_than_the_floor_are_all_kept(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "KEEP_NEWEST_SENT", 500)
    add_row(engine, sent_at=OLD, created_at=OLD)
    assert prune(engine, dry_run=True) == prune(engine) == retention.Pruned()


def test_deletes_go_in_batches(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repo, "BATCH", 3)
    lead = add_lead(engine, OLD)
    old = []
    for i in range(10):
        old.append(add_row(engine, sent_at=OLD, created_at=OLD))
        if i % 4 == 0:  # kept rows between them are passed over
            add_row(engine, status="failed", created_at=OLD)
    latest = add_alert(engine, lead, OLD)
    add_ids(engine, OLD, 7)
    add_ids(engine, NOW, 1)
    deletes: list[str] = []

    def spy(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            deletes.append(statement)

    event.listen(engine, "before_cursor_execute", spy)
    try:
        assert prune(engine) == retention.Pruned(outbox=10, ingest_message=7)
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    # 3 + 3 + 3 + 1 outbox rows, 3 + 3 + 1 delivery ids: no statement deleted more than 3
    assert len([d for d in deletes if "outbox" in d.split("WHERE")[0]]) == 4
    assert len([d for d in deletes if "ingest_message" in d.split("WHERE")[0]]) == 3
    assert not set(old) & outbox_ids(engine) and latest in outbox_ids(engine)
    assert id_count(engine) == 1


def _rejected(engine: Engine, received: timedelta, replayed: timedelta | None = None) -> int:
    with session_scope(engine) as s:
        [row_id] = rejected_repo.add(
            s,
            [NewRejection(raw='{"type": "identify"}', envelope=None, reason="[]")],
            key_name="test",
            now=NOW - received,
        )
        if replayed is not None:
            rejected_repo.replayed(s, row_id, now=NOW - replayed)
    return row_id


def _rejected_ids(engine: Engine) -> set[int]:
    with session_scope(engine) as s:
        return {r.id for r in rejected_repo.listing(s, open_only=False)}


def test_rejected_calls_go_once_replayed_a_week_ago_or_left_for_ninety_days(
    engine: Engine,
) -> None:
    waiting = _rejected(engine, timedelta(days=30))  # a person may still fix and replay it
    just_replayed = _rejected(engine, timedelta(days=30), replayed=timedelta(days=2))
    replayed = _rejected(engine, timedelta(days=30), replayed=timedelta(days=8))
    abandoned = _rejected(engine, timedelta(days=91))
    assert prune(engine, dry_run=True) == retention.Pruned(ingest_rejected=2)
    assert _rejected_ids(engine) == {waiting, just_replayed, replayed, abandoned}
    assert prune(engine) == retention.Pruned(ingest_rejected=2)
    assert _rejected_ids(engine) == {waiting, just_replayed}
    # one age named by the operator is one age for every table
    assert prune(engine, older_than=timedelta(days=1)) == retention.Pruned(ingest_rejected=2)
    assert _rejected_ids(engine) == set()
