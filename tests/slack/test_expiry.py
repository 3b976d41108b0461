"""An MQL nobody acted on expires (SPEC §2): its alert is redrawn without buttons, saying why,
and a note in its thread says so too, in the team's language."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.slack.outbox import OutboxSender, make_client
from bot.usecases.imports.csv_import import import_file
from bot.usecases.lifecycle.rescore import rescore_all
from scoring.expiry import Expiry
from storage.db import session_scope
from storage.tables import Lead, OutboxMessage
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ALERTS, HANDOVER, Clock
from tests.storage.helpers import CEO, EVENT_HEADER, LEAD_HEADER, write_csv


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        (
            "en",
            (
                "Expired to nurturing",
                "engagement fell to 0, more than 5 points under the minimum of 20",
                "1 day",
            ),
        ),
        (
            "de",
            (
                "Verfallen",
                "Engagement ist auf 0 gefallen, mehr als 5 Punkte unter dem Minimum von 20",
                "1 Tag ohne",
            ),
        ),
    ],
)
def test_an_expired_mql_loses_its_buttons_and_says_why(
    engine: Engine,
    fake: FakeSlack,
    clock: Clock,
    tmp_path: Path,
    locale: str,
    words: tuple[str, ...],
) -> None:
    at = (clock() - timedelta(hours=2)).isoformat()
    leads = write_csv(tmp_path / "l.csv", LEAD_HEADER, [CEO])
    events = write_csv(
        tmp_path / "e.csv",
        EVENT_HEADER,
        [
            ["ceo@hotel.example", "webinar_attended", at, "", ""],
            ["ceo@hotel.example", "page_view", at, "https://x.example/product/tour", ""],
        ],
    )
    for path, kind in ((leads, "leads"), (events, "events")):
        assert not import_file(engine, path, kind, now=clock(), actor="test").errors  # type: ignore[arg-type]
    sender = OutboxSender(
        engine,
        make_client(fake.token, fake.base_url),
        clock,
        alert_channel=ALERTS,
        handover_channel=HANDOVER,
        pace=0,
        locale=locale,
    )
    assert sender.drain_once().sent == 1
    assert "lead_claim" in json.dumps(fake.messages(ALERTS)[0]["blocks"])

    clock.advance(400 * 86400)  # long after every point has decayed
    rescore_all(engine, now=clock(), actor="job:expiry", expiry=Expiry(5, 86400), locale=locale)
    with session_scope(engine) as s:
        assert s.exec(select(Lead.status)).one() == "nurturing"
        kinds = [o.kind for o in s.exec(select(OutboxMessage).order_by(OutboxMessage.id))]
        assert kinds == ["slack.alert", "slack.update", "slack.thread"]
    assert sender.drain_once().sent == 2
    alert, note = fake.messages(ALERTS)
    blocks = json.dumps(alert["blocks"], ensure_ascii=False)
    assert "edited" in alert and '"actions"' not in blocks and "lead_claim" not in blocks
    # it says why, in the team's words: the bar it fell under, the margin and the grace
    assert "job:expiry" not in blocks and "expired" not in blocks
    assert all(w in blocks for w in words), blocks
    assert note["thread_ts"] == alert["ts"]
    said = json.dumps(note["blocks"], ensure_ascii=False)
    assert all(w in said for w in words), said
    fake.assert_no_problems()
