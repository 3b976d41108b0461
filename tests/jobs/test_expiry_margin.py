"""The daily expiry with `[expiry] margin` and `grace_days`, with a frozen clock: an MQL hovering
under its bar is left alone run after run; one well below it for the grace expires (its alert
redrawn, a note in its thread); an event that lowers a score expires nothing by itself; and an
expired lead that qualifies again gets a new alert, flagged as a re-MQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.jobs.expiry_job import EXPIRY
from bot.jobs.runner import run_job
from bot.slack import render
from bot.usecases.imports.csv_import import import_file
from storage.db import session_scope
from storage.tables import Lead, LifecycleTransition, OutboxMessage
from tests.conftest import NOW
from tests.jobs.helpers import SETTINGS
from tests.storage.helpers import CEO, EVENT_HEADER, LEAD_HEADER, write_csv

# engagement 55 now, then decaying: 19 on day 140, 15 until day 174.5, 14 from day 175
GRACED = replace(SETTINGS, expiry_margin=5, expiry_grace_days=1)


def day(n: float) -> datetime:
    return NOW + timedelta(days=n)


def _events(engine: Engine, tmp_path: Path, rows: list[tuple[str, datetime, str]]) -> None:
    path = write_csv(
        tmp_path / f"e{len(list(tmp_path.iterdir()))}.csv",
        EVENT_HEADER,
        [[CEO[0], kind, at.isoformat(), url, ""] for kind, at, url in rows],
    )
    assert not import_file(engine, path, "events", now=rows[-1][1], actor="test").errors


def _an_mql(engine: Engine, tmp_path: Path) -> None:
    leads = write_csv(tmp_path / "l.csv", LEAD_HEADER, [CEO])
    assert not import_file(engine, leads, "leads", now=NOW, actor="test").errors
    _events(
        engine,
        tmp_path,
        [("webinar_attended", NOW, ""), ("page_view", NOW, "https://x.example/product/tour")],
    )


def _status(engine: Engine) -> str:
    with session_scope(engine) as s:
        return str(s.exec(select(Lead.status)).one())


def _kinds(engine: Engine) -> list[str]:
    with session_scope(engine) as s:
        return [o.kind for o in s.exec(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_an_mql_hovering_under_its_bar_stays_until_it_is_well_below_for_a_day(
    engine: Engine, tmp_path: Path
) -> None:
    _an_mql(engine, tmp_path)
    for n in range(140, 176):  # engagement 19 down to 14, one run a day at the same hour
        assert run_job(engine, EXPIRY, now=day(n), settings=GRACED, holder="a").ran
        assert _status(engine) == "mql", n
    assert _kinds(engine) == ["slack.alert"]  # nothing flapped, nothing was said
    assert run_job(engine, EXPIRY, now=day(176), settings=GRACED, holder="a").ran
    assert _status(engine) == "nurturing"
    assert _kinds(engine) == ["slack.alert", "slack.update", "slack.thread"]
    with session_scope(engine) as s:
        note = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "slack.thread")).one()
        assert note.payload["note"]["outcome"] == "expired"
        assert note.payload["note"]["expiry"]["margin"] == 5
        trail = s.exec(select(LifecycleTransition).where(LifecycleTransition.cause == "expired"))
        assert trail.one().details["grace_days"] == 1


def test_an_event_that_lowers_the_score_leaves_the_expiry_to_the_daily_run(
    engine: Engine, tmp_path: Path
) -> None:
    _an_mql(engine, tmp_path)
    # engagement 17 on day 150; the unsubscribe (-10) takes it to 7, far under 15
    _events(engine, tmp_path, [("unsubscribe", day(150), "")])
    assert _status(engine) == "mql"  # the import scores it, but expires nothing
    assert run_job(engine, EXPIRY, now=day(150.5), settings=GRACED, holder="a").ran
    assert _status(engine) == "mql"  # below since the unsubscribe: not a day yet
    assert run_job(engine, EXPIRY, now=day(151.5), settings=GRACED, holder="a").ran
    assert _status(engine) == "nurturing"


def test_an_expired_lead_that_qualifies_again_gets_a_new_alert_flagged_re_mql(
    engine: Engine, tmp_path: Path
) -> None:
    _an_mql(engine, tmp_path)
    assert run_job(engine, EXPIRY, now=day(200), settings=GRACED, holder="a").ran
    assert _status(engine) == "nurturing"
    with session_scope(engine) as s:
        lead_id = s.exec(select(Lead.id)).one()
        view = render.alert_view(s, lead_id)
        assert view is not None and view.expired is not None and not view.re_mql
    _events(
        engine,
        tmp_path,
        [("webinar_attended", day(201), ""), ("content_download", day(201), "")],
    )
    assert _status(engine) == "mql"
    assert _kinds(engine) == [
        "slack.alert",
        "slack.update",
        "slack.thread",
        "slack.alert",
    ]
    with session_scope(engine) as s:
        causes = s.exec(select(LifecycleTransition.cause).order_by(LifecycleTransition.id)).all()
        assert causes[-2:] == ["expired", "re_mql"]
        view = render.alert_view(s, lead_id)
        assert view is not None and view.re_mql and view.expired is None and view.decision is None
        alert = s.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()  # type: ignore[union-attr]
        assert alert is not None and alert.payload["cause"] == "re_mql"
