"""Slack's requests over HTTP: signature and age checked, clicks reach the use cases."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from bot.http.app import create_http_app
from bot.slack.app import build_app
from bot.slack.blocks.alert import ACTION_CLAIM
from bot.slack.outbox import OutboxSender, make_client
from storage.db import make_engine, session_scope
from storage.tables import Lead
from tests.factories import file_engine, make_mql
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ALERTS, ANNA, HANDOVER, Clock
from tests.slack.harness import settings
from tests.slack.requests import block_action, headers


@pytest.fixture
def engine_file(tmp_path: Path) -> Iterator[Engine]:
    # the listener runs on Bolt's worker thread: a file database, as in production
    engine = file_engine(tmp_path / "http.db")
    yield engine
    engine.dispose()


@pytest.fixture
def web(engine_file: Engine, fake: FakeSlack, clock: Clock) -> Iterator[TestClient]:
    bolt = build_app(
        settings(), engine=engine_file, client=make_client(fake.token, fake.base_url), clock=clock
    )
    with TestClient(create_http_app(bolt, engine=engine_file)) as client:
        yield client


def owner(engine: Engine, lead_id: int) -> str | None:
    with session_scope(engine) as s:
        lead = s.get(Lead, lead_id)
        return lead.owner if lead else None


def test_readyz_reports_the_database_and_healthz_the_process(web: TestClient) -> None:
    answer = web.get("/readyz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok", "database": "ok"}
    assert web.get("/healthz").json() == {"status": "ok"}


def test_readyz_is_503_when_the_database_is_gone_and_healthz_still_200(
    tmp_path: Path, clock: Clock
) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'db.sqlite'}")
    folder.rmdir()
    bolt = build_app(settings(), engine=engine, client=make_client("xoxb-x"), clock=clock)
    with TestClient(create_http_app(bolt, engine=engine)) as client:
        answer = client.get("/readyz")
        alive = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["status"] == "unavailable"
    assert alive.status_code == 200


def test_a_bad_signature_is_rejected(web: TestClient, engine_file: Engine, clock: Clock) -> None:
    lead_id = make_mql(engine_file, clock())
    body = block_action(ACTION_CLAIM, lead_id, ANNA)
    answer = web.post("/slack/events", content=body, headers=headers(body, secret="not-the-secret"))
    assert answer.status_code == 401
    assert owner(engine_file, lead_id) is None


def test_a_five_minute_old_request_is_rejected(
    web: TestClient, engine_file: Engine, clock: Clock
) -> None:
    lead_id = make_mql(engine_file, clock())
    body = block_action(ACTION_CLAIM, lead_id, ANNA)
    stale = headers(body, ts=int(time.time()) - 5 * 60 - 1)
    assert web.post("/slack/events", content=body, headers=stale).status_code == 401
    assert owner(engine_file, lead_id) is None


def test_a_signed_claim_assigns_the_owner_and_the_alert_is_updated(
    web: TestClient, engine_file: Engine, fake: FakeSlack, clock: Clock
) -> None:
    lead_id = make_mql(engine_file, clock(), alert=True)
    sender = OutboxSender(
        engine_file,
        make_client(fake.token, fake.base_url),
        clock,
        alert_channel=ALERTS,
        handover_channel=HANDOVER,
        pace=0,
    )
    assert sender.drain_once().sent == 1
    body = block_action(ACTION_CLAIM, lead_id, ANNA)
    assert web.post("/slack/events", content=body, headers=headers(body)).status_code == 200
    deadline = time.monotonic() + 5
    while owner(engine_file, lead_id) is None and time.monotonic() < deadline:
        time.sleep(0.02)  # the listener runs after the ack, on Bolt's worker thread
    assert owner(engine_file, lead_id) == ANNA
    assert sender.drain_once().sent == 2
    [update] = fake.calls_to("chat.update", ok=True)
    assert f"<@{ANNA}>" in str(update.args["blocks"])
    fake.assert_no_problems()


def test_slack_s_url_verification_challenge_is_answered(web: TestClient) -> None:
    body = '{"type": "url_verification", "token": "legacy", "challenge": "c-123"}'
    answer = web.post(
        "/slack/events", content=body, headers=headers(body, content_type="application/json")
    )
    assert answer.status_code == 200 and answer.json() == {"challenge": "c-123"}
