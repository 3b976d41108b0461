"""A webhook receiver, the ingest API at a fixed clock, and a sender with a clock of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from bot.http.api.app import create_api_app
from bot.ingest.event_map import EventMap
from bot.usecases.admin import api_keys as apikeys
from bot.usecases.admin import webhooks
from bot.webhooks.sender import WebhookSender, make_client
from storage.db import session_scope
from tests.conftest import NOW
from tests.slack.conftest import Clock
from tests.webhooks.receiver import Receiver

T = NOW.isoformat()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@contextmanager
def api_client(engine: Engine) -> Iterator[TestClient]:
    """The ingest API on `engine`, with a live key."""
    with session_scope(engine) as s:
        key = apikeys.create(s, "test", now=NOW, actor="test").secret
    app = create_api_app(engine=engine, clock=lambda: NOW, events=EventMap())
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as c:
        yield c


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with api_client(engine) as c:
        yield c


@pytest.fixture
def sender(engine: Engine, clock: Clock) -> Iterator[WebhookSender]:
    s = WebhookSender(engine, clock, client=make_client(timeout=2), lanes=1)
    yield s
    s.client.close()


def add_webhook(engine: Engine, url: str, events: list[str] | None = None) -> webhooks.NewWebhook:
    with session_scope(engine) as s:
        return webhooks.create(s, url, events=events, now=NOW, actor="test")


def make_mql(client: TestClient, user: str = "ceo") -> None:
    """The seed's CEO: a webinar and the product page make an MQL through the API."""
    for body in (
        {
            "userId": user,
            "traits": {
                "email": f"{user}@hotel.example",
                "title": "CEO",
                "firstName": "Anna",
                "company": "Adler Hotels",
            },
        },
        {"userId": user, "event": "Webinar Attended", "timestamp": T},
        {
            "userId": user,
            "event": "Page Viewed",
            "timestamp": T,
            "properties": {"url": "https://x.example/product"},
        },
    ):
        path = "/api/v1/identify" if "traits" in body else "/api/v1/track"
        assert client.post(path, json=body).status_code == 200
