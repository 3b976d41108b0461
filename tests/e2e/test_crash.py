"""`kill -9` in the middle of a burst of alerts, then a restart: every alert arrives once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import make_engine, session_scope
from storage.schema import upgrade
from storage.tables.handles import OUTBOX
from tests.cli.test_run import ROOT, free_port, wait_for
from tests.factories import make_mql
from tests.fakeslack import running_fake_slack
from tests.slack.conftest import ALERTS, HANDOVER
from tests.slack.requests import SECRET

ALERT_COUNT = 25


def start_bot(tmp_path: Path, url: str, base_url: str, token: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": base_url,
        "SDRBOT_ALERT_CHANNEL": ALERTS,
        "SDRBOT_HANDOVER_CHANNEL": HANDOVER,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SLACK_APP_TOKEN", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from bot.cli import main; main()",
            "run",
            "--http",
            "--port",
            str(free_port()),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_kill_9_during_a_burst_and_a_restart_deliver_every_alert_once(tmp_path: Path) -> None:
    (tmp_path / "sdrbot.toml").write_text(
        "[outbox]\nlease_seconds = 1\npace_seconds = 0.05\n", encoding="utf-8"
    )
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    lead_ids = {
        make_mql(engine, now, email=f"l{i}@x.example", alert=True) for i in range(ALERT_COUNT)
    }
    with running_fake_slack(channels={"sdr-alerts": ALERTS, "ae-handover": HANDOVER}) as fake:
        fake.fail_next("chat.postMessage", 429, retry_after=1, times=2)  # a 429 on the way
        bot = start_bot(tmp_path, url, fake.base_url, fake.token)
        try:
            wait_for(lambda: len(fake.messages(ALERTS)) >= 5, 30)
        finally:
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=10)
        assert len(fake.messages(ALERTS)) < ALERT_COUNT, "the burst ended before the kill"
        bot = start_bot(tmp_path, url, fake.base_url, fake.token)
        try:

            def all_sent() -> bool:
                with session_scope(engine) as s:
                    return (
                        s.scalar(
                            select(func.count())
                            .select_from(OUTBOX)
                            .where(OUTBOX.c.status != "sent")
                        )
                        == 0
                    )

            wait_for(all_sent, 60)
        finally:
            bot.terminate()
            bot.wait(timeout=10)
        posted = [m["metadata"]["event_payload"]["lead_id"] for m in fake.messages(ALERTS)]
        assert sorted(posted) == sorted(lead_ids)  # each exactly once
        assert any(c.status == 429 for c in fake.calls_to("chat.postMessage"))
        fake.assert_no_problems()
    engine.dispose()
