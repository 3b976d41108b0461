"""An MQL nobody acted on expires (SPEC §2): its alert is redrawn without buttons."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.slack.outbox import OutboxSender, make_client
from bot.usecases.imports.csv_import import import_file
from bot.usecases.lifecycle.rescore import rescore_all
from storage.db import session_scope
from storage.tables import Lead, OutboxMessage
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ALERTS, HANDOVER, Clock
from tests.storage.helpers import CEO, EVENT_HEADER, LEAD_HEADER, write_csv


def test_an_expired_mql_loses_its_buttons(
    engine: Engine, fake: FakeSlack, clock: Clock, tmp_path: Path
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
    )
    assert sender.drain_once().sent == 1
    assert "lead_claim" in json.dumps(fake.messages(ALERTS)[0]["blocks"])

    clock.advance(400 * 86400)  # long after every point has decayed
    rescore_all(engine, now=clock(), actor="test")
    with session_scope(engine) as s:
        assert s.exec(select(Lead.status)).one() == "nurturing"
        assert [o.kind for o in s.exec(select(OutboxMessage))] == ["slack.alert", "slack.update"]
    assert sender.drain_once().sent == 1
    [alert] = fake.messages(ALERTS)
    blocks = json.dumps(alert["blocks"])
    assert (
        "edited" in alert and "lead_claim" not in blocks and "Expired: back to nurturing" in blocks
    )
    fake.assert_no_problems()
