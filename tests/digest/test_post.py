"""The digest job end to end: queued once per week, posted to the marketing channel, its chart
uploaded with Slack's external upload flow into that channel (the fake Slack checks every call
against Slack's contracts)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.jobs.digest_job import DIGEST
from bot.jobs.runner import run_job
from bot.settings import Settings
from bot.slack.jobs_transport import JobsSender
from tests.digest.week48 import NOW, build
from tests.fakeslack import FakeSlack, running_fake_slack

MARKETING = "C0MARKET01"
SETTINGS = Settings(timezone="Europe/Berlin", digest_channel="#marketing", locale="de")


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with running_fake_slack(channels={"marketing": MARKETING}) as fake:
        yield fake


def test_the_weekly_digest_is_posted_once_with_its_chart(engine: Engine, fake: FakeSlack) -> None:
    build(engine)
    first = run_job(engine, DIGEST, now=NOW, settings=SETTINGS, holder="a")
    again = run_job(engine, DIGEST, now=NOW + timedelta(hours=3), settings=SETTINGS, holder="b")
    assert first.ran and first.period == "2026-W48" and not again.ran
    assert "too_lax" in first.summary
    sender = JobsSender(engine, fake.web_client(), lambda: NOW)
    for _ in range(2):  # the chart waits for the message to name the channel's id
        sender.drain_once()
    posted = fake.messages(MARKETING)
    assert len(posted) == 2
    message, chart = posted
    assert message["blocks"][0]["text"]["text"].startswith("Funnel-Bericht für Woche 2026-W48")
    assert chart["subtype"] == "file_share" and len(chart["files"]) == 1
    png = fake.uploaded(chart["files"][0]["id"])
    assert png is not None and png.startswith(b"\x89PNG")
    methods = [c.method for c in fake.calls]
    assert methods.index("files.getUploadURLExternal") < methods.index("(upload)")
    assert methods.index("(upload)") < methods.index("files.completeUploadExternal")
    fake.assert_no_problems()
    sender.drain_once()
    assert len(fake.messages(MARKETING)) == 2  # nothing left to send


def test_a_forced_run_posts_the_week_again(engine: Engine, fake: FakeSlack) -> None:
    build(engine)
    run_job(engine, DIGEST, now=NOW, settings=SETTINGS, holder="a")
    assert run_job(engine, DIGEST, now=NOW, settings=SETTINGS, holder="a", force=True).ran
    sender = JobsSender(engine, fake.web_client(), lambda: NOW)
    for _ in range(3):
        sender.drain_once()
    assert len(fake.messages(MARKETING)) == 4
    fake.assert_no_problems()
