"""Past decisions join a lead's history: scored as of their moment, and silent towards Slack."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.usecases.imports.decisions_csv import import_decisions
from storage.db import session_scope
from storage.tables import Decision, Lead, LifecycleTransition, OutboxMessage
from tests.conftest import NOW
from tests.factories import make_mql
from tests.storage.helpers import write_csv

LATER = NOW + timedelta(hours=1)
HEADER = ["email", "decision", "alerted_at", "decided_at", "reason"]


def _import(engine: Engine, tmp_path: Path, row: list[object]) -> None:
    path = write_csv(tmp_path / "decisions.csv", HEADER, [row])
    report = import_decisions(engine, path, now=LATER, actor="cli:test")
    assert report.stored and report.recorded == 1, report.errors


def _all(engine: Engine, table: type) -> list:  # type: ignore[type-arg]
    with session_scope(engine) as s:
        return list(s.scalars(select(table)))


def _rules(decision: Decision) -> set[str]:
    return {line["rule"] for line in decision.breakdown}


def test_the_decision_of_an_open_mql_ends_it_with_the_score_of_its_moment(
    engine: Engine, tmp_path: Path
) -> None:
    since = NOW - timedelta(days=3)
    make_mql(engine, since)  # its events: a webinar and a product page, just before `since`
    _import(engine, tmp_path, ["anna@hotel.example", "promote", "", (NOW - timedelta(days=2))])
    [t] = _all(engine, LifecycleTransition)
    assert (t.from_status, t.to_status, t.cause) == ("mql", "sql", "decision:promote")
    assert t.details["historic"] is True and t.at == NOW - timedelta(days=2)
    [d] = _all(engine, Decision)
    assert d.score is not None and d.score > 0 and d.model_version == 1
    assert any(r.startswith("webinar") for r in _rules(d)), d.breakdown
    assert _all(engine, OutboxMessage) == []  # no alert update, thread note or handover


def test_an_mql_the_scores_made_after_the_decision_settles_where_the_decision_put_it(
    engine: Engine, tmp_path: Path
) -> None:
    lead_id = make_mql(engine, NOW, alert=True)  # its events lie after the decision below
    with session_scope(engine) as s:
        s.add(
            LifecycleTransition(
                lead_id=lead_id,
                from_status="lead",
                to_status="mql",
                cause="score",
                actor="import",
                at=NOW,
                details={},
            )
        )
    alerted, decided = NOW - timedelta(days=10), NOW - timedelta(days=9)
    _import(engine, tmp_path, ["anna@hotel.example", "recycle", alerted, decided, "No reply"])
    trail = sorted(_all(engine, LifecycleTransition), key=lambda t: (t.at, t.id))
    assert [(t.from_status, t.to_status, t.cause, t.at) for t in trail] == [
        ("lead", "mql", "imported", alerted),
        ("mql", "recycled", "decision:recycle", decided),
        ("lead", "mql", "score", NOW),
        ("mql", "recycled", "imported", LATER),
    ]
    [lead] = _all(engine, Lead)
    assert (lead.status, lead.status_since) == ("recycled", LATER)
    [d] = _all(engine, Decision)
    # the events came after the decision: none of them may count in what it was made on
    assert not any(r.startswith(("webinar", "product")) for r in _rules(d)), d.breakdown
    assert [m.kind for m in _all(engine, OutboxMessage)] == ["slack.alert"]  # only the old one


def test_a_decision_before_the_leads_later_change_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    lead_id = make_mql(engine, NOW)
    with session_scope(engine) as s:
        s.add(
            LifecycleTransition(
                lead_id=lead_id,
                from_status="mql",
                to_status="recycled",
                cause="decision:recycle",
                actor="slack:U1",
                at=NOW,
                details={},
            )
        )
        s.get(Lead, lead_id).status = "recycled"  # type: ignore[union-attr]
    path = write_csv(
        tmp_path / "d.csv", HEADER, [["anna@hotel.example", "promote", "", NOW - timedelta(days=1)]]
    )
    report = import_decisions(engine, path, now=LATER, actor="cli:test")
    [error] = report.errors
    assert (error.line, error.field) == (2, "alerted_at")
    assert (
        "the lead changed status at" in error.message and "after this row's moment" in error.message
    )
    assert _all(engine, Decision) == []
