"""Who may decide: named users, members of named user groups, or (with neither) anyone."""

from __future__ import annotations

import logging

import pytest

from bot.settings import Settings
from bot.slack.outbox import make_client
from bot.slack.roles import Deciders
from tests.fakeslack import FakeSlack
from tests.slack.conftest import ANNA, BEN


def deciders(fake: FakeSlack, now: list[float], **roles: tuple[str, ...]) -> Deciders:
    return Deciders(
        Settings(**roles), make_client(fake.token, fake.base_url), monotonic=lambda: now[0], ttl=60
    )


def test_without_roles_anyone_decides(fake: FakeSlack) -> None:
    d = deciders(fake, [0.0])
    assert d.anyone and d.allows("U_ANYONE") and not fake.calls


def test_named_users_decide_without_asking_slack(fake: FakeSlack) -> None:
    d = deciders(fake, [0.0], deciders=(BEN,))
    assert d.allows(BEN) and not d.allows(ANNA) and not fake.calls


def test_group_members_are_read_from_slack_and_cached(fake: FakeSlack) -> None:
    fake.add_usergroup("S0SDRTEAM1", [ANNA])
    now = [0.0]
    d = deciders(fake, now, decider_groups=("S0SDRTEAM1",))
    assert d.allows(ANNA) and not d.allows(BEN)
    assert len(fake.calls_to("usergroups.users.list")) == 1
    fake.add_usergroup("S0SDRTEAM1", [ANNA, BEN])
    assert not d.allows(BEN)  # still cached
    now[0] = 61
    assert d.allows(BEN) and len(fake.calls_to("usergroups.users.list")) == 2


def test_an_unreadable_group_lets_nobody_in(
    fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    d = deciders(fake, [0.0], decider_groups=("S0NOSUCH01",))
    with caplog.at_level(logging.ERROR):
        assert not d.allows(ANNA)
    assert "cannot read the members of user group S0NOSUCH01" in caplog.text
