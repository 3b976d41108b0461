"""Slack tests: a fake Slack Web API per test, a settable clock, senders wired to both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from tests.conftest import NOW
from tests.fakeslack import FakeSlack
from tests.fakeslack import fake_slack as _fake_slack

ALERTS = "C0ALERTS01"
HANDOVER = "C0HANDOVR1"
ANNA = "U0SDRANNA1"
BEN = "U0SDRBEN01"


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    yield from _fake_slack()


@pytest.fixture
def clock() -> Clock:
    return Clock()
