"""Alert views built from the database: flags, owner, outcome, timeline."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from bot.slack.render import alert_view, decision_view
from bot.usecases.lifecycle.decisions import decide, slack_actor
from storage.db import session_scope
from storage.tables import LeadScore, LifecycleTransition
from tests.conftest import NOW
from tests.factories import make_mql


def view(engine: Engine, lead_id: int):  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        return alert_view(s, lead_id)


def test_an_open_alert_has_reasons_timeline_and_no_outcome(sqlite_engine: Engine) -> None:
    lead_id = make_mql(sqlite_engine, NOW, owner="U0SDRANNA1")
    v = view(sqlite_engine, lead_id)
    assert (v.name, v.score, v.grade, v.owner_slack_id) == ("Anna Adler", 85, "B2", "U0SDRANNA1")
    assert [r.label for r in v.reason_list][:2] == ["CEO or founder", "Product page"]
    assert [t.event_type for t in v.timeline_list] == ["page_view", "webinar_attended"]
    assert v.timeline_list[0].detail == "https://x.example/product"
    assert v.decision is None and not v.re_mql and v.fast_track is None


def test_re_mql_and_fast_track_flags(sqlite_engine: Engine) -> None:
    lead_id = make_mql(sqlite_engine, NOW)
    with session_scope(sqlite_engine) as s:
        s.add(
            LifecycleTransition(
                lead_id=lead_id,
                from_status="recycled",
                to_status="mql",
                cause="re_mql:fast_track",
                actor="system",
                at=NOW,
            )
        )
        score = s.get(LeadScore, lead_id)
        assert score is not None
        score.fast_track = "demo_request"
        s.add(score)
    v = view(sqlite_engine, lead_id)
    assert v.re_mql and v.fast_track == "demo_request"


def test_a_decided_lead_shows_who_decided(sqlite_engine: Engine) -> None:
    lead_id = make_mql(sqlite_engine, NOW)
    decide(
        sqlite_engine,
        lead_id=lead_id,
        outcome="recycle",
        actor=slack_actor("U0SDRBEN01"),
        now=NOW + timedelta(hours=1),
        reason="Bad timing",
        notes="call in May",
    )
    d = view(sqlite_engine, lead_id).decision
    assert (d.outcome, d.decided_by, d.reason, d.notes) == (
        "recycle",
        "U0SDRBEN01",
        "Bad timing",
        "call in May",
    )


def test_an_expired_lead_shows_what_moved_it(sqlite_engine: Engine) -> None:
    lead_id = make_mql(sqlite_engine, NOW, status="nurturing")
    with session_scope(sqlite_engine) as s:
        s.add(
            LifecycleTransition(
                lead_id=lead_id,
                from_status="mql",
                to_status="nurturing",
                cause="expired",
                actor="system",
                at=NOW,
            )
        )
    d = view(sqlite_engine, lead_id).decision
    assert (d.outcome, d.decided_by, d.decided_at) == ("expired", "", NOW)  # nobody decided


def test_a_missing_lead_has_no_view_and_notes_round_trip(sqlite_engine: Engine) -> None:
    assert view(sqlite_engine, 404) is None
    note = decision_view({"outcome": "claim", "by": "U1", "at": NOW.isoformat()})
    assert (note.outcome, note.decided_at, note.reason) == ("claim", NOW, None)
