"""A fake Slack Web API for tests: a real HTTP server that answers like slack.com.

In a test::

    with running_fake_slack(channels=["sdr-alerts"]) as fake:
        client = WebClient(token=fake.token, base_url=fake.base_url)
        ...
        fake.assert_no_problems()

A conftest can turn `fake_slack` into a fixture: `fake_slack = pytest.fixture(fake_slack)`.
As a process: `python -m tests.fakeslack --port 8765`, driven with `RemoteFakeSlack`.

The fake itself lives in `bot/sandbox/slackapi/` (the sandbox serves it too); this package
re-exports it for the tests, its submodules included (`from tests.fakeslack import blockkit`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.sandbox.slackapi import blockkit, contracts, workspace
from bot.sandbox.slackapi.dispatch import Call, Problem
from bot.sandbox.slackapi.remote import RemoteFakeSlack
from bot.sandbox.slackapi.server import DEFAULT_TOKEN, FakeSlack

__all__ = [
    "DEFAULT_TOKEN",
    "Call",
    "FakeSlack",
    "Problem",
    "RemoteFakeSlack",
    "blockkit",
    "contracts",
    "fake_slack",
    "running_fake_slack",
    "workspace",
]


@contextmanager
def running_fake_slack(**options: Any) -> Iterator[FakeSlack]:
    """A started fake (see `FakeSlack` for the options), stopped on exit."""
    fake = FakeSlack(**options)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def fake_slack() -> Iterator[FakeSlack]:
    """Fixture body: a fake with `#sdr-alerts`, `#sdr-managers`, `#ae-handover` and two SDRs."""
    channels = {
        "sdr-alerts": "C0ALERTS01",
        "sdr-managers": "C0MANAGER1",
        "ae-handover": "C0HANDOVR1",
    }
    users = [
        {"id": "U0SDRANNA1", "name": "anna", "email": "anna@example.com"},
        {"id": "U0SDRBEN01", "name": "ben", "email": "ben@example.com"},
    ]
    with running_fake_slack(channels=channels, users=users) as fake:
        yield fake
