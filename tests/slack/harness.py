"""The bot as `sdrbot run` wires it (app, outbox sender, fake Slack), driven by signed requests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from sqlalchemy.engine import Engine

from bot.jobs.sla_clock import Sla
from bot.settings import Secret, Settings
from bot.slack.app import build_app
from bot.slack.outbox import OutboxSender, make_client
from storage.db import session_scope
from storage.tables import Lead
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ALERTS, HANDOVER, Clock
from tests.slack.requests import SECRET, block_action, headers


def settings(**changes: Any) -> Settings:
    return replace(
        Settings(
            slack_signing_secret=Secret(SECRET), alert_channel=ALERTS, handover_channel=HANDOVER
        ),
        **changes,
    )


class Bot:
    """The app, an outbox sender and the fake, wired as `sdrbot run` wires them."""

    def __init__(self, engine: Engine, fake: FakeSlack, clock: Clock, **changes: Any) -> None:
        self.engine, self.fake, self.clock = engine, fake, clock
        client = make_client(fake.token, fake.base_url)
        self.settings = settings(**changes)
        self.app = build_app(
            self.settings,
            engine=engine,
            client=client,
            clock=clock,
            process_before_response=True,
        )
        self.sender = OutboxSender(
            engine,
            client,
            clock,
            alert_channel=ALERTS,
            handover_channel=HANDOVER,
            pace=0,
            triage=self.settings.triage,
            locale=self.settings.locale,
            sla=Sla.of(self.settings),
        )

    def send(
        self, body: str, content_type: str = "application/x-www-form-urlencoded"
    ) -> BoltResponse:
        return self.app.dispatch(
            BoltRequest(body=body, headers=headers(body, content_type=content_type))
        )

    def click(self, action_id: str, lead_id: int, user: str) -> BoltResponse:
        return self.send(block_action(action_id, lead_id, user, trigger_id=self.fake.trigger_id()))

    def lead(self, lead_id: int) -> Lead:
        with session_scope(self.engine) as s:
            lead = s.get(Lead, lead_id)
            assert lead is not None
            return lead

    def ephemerals_for(self, user: str) -> list[str]:
        return [e["text"] for e in self.fake.ephemerals if e["user"] == user]
