"""Two `sdrbot run` processes on one PostgreSQL database: one digest and one reminder (and one
escalation) between them, and the second takes the jobs over after the first is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.jobs.lease import NAME, TTL
from storage.db import session_scope
from storage.repositories import jobs as runs
from tests.cli.test_run import ROOT, free_port, wait_for
from tests.factories import make_mql
from tests.fakeslack import FakeSlack, running_fake_slack

ALERTS, MANAGERS, MARKETING = "C0ALERTS01", "C0MANAGER1", "C0MARKET01"


def _config(tmp_path: Path, now: datetime) -> Path:
    digest_at = now - timedelta(minutes=10)  # just missed: the lease's taker makes it up
    expiry_at = now + timedelta(hours=6)  # not due: the rescore stays out of this test
    path = tmp_path / "sdrbot.toml"
    path.write_text(
        f'[general]\ntimezone = "UTC"\n[digest]\nday = "{digest_at:%a}"\n'
        f'time = "{digest_at:%H:%M}"\n[expiry]\ntime = "{expiry_at:%H:%M}"\n'
        '[sla]\nworking_hours = 1\nworking_days = ["mon", "tue", "wed", "thu", "fri", "sat", '
        f'"sun"]\nday_start = "00:00"\nday_end = "23:59"\nmanager_channel = "{MANAGERS}"\n'
        '[assignment]\nreps = [{ user = "U0SDRANNA1" }]\n',
        encoding="utf-8",
    )
    return path


def _start(tmp_path: Path, url: str, fake: FakeSlack, config: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": fake.token,
        "SLACK_SIGNING_SECRET": "s3cret",
        "SLACK_API_URL": fake.base_url,
        "SDRBOT_ALERT_CHANNEL": ALERTS,
        "SDRBOT_DIGEST_CHANNEL": MARKETING,
        "SDRBOT_CONFIG": str(config),
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
            "--host",
            "127.0.0.1",
            "--port",
            str(free_port()),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _holder(engine: Engine) -> str | None:
    with session_scope(engine) as s:
        row = runs.lease(s, NAME)
    return row.holder if row is not None and row.expires_at > datetime.now(UTC) else None


@pytest.mark.postgres
def test_two_processes_one_digest_one_reminder_and_a_takeover(
    pg_engine: Engine, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    make_mql(pg_engine, now - timedelta(days=3), alert=True)
    url = pg_engine.url.render_as_string(hide_password=False)
    config = _config(tmp_path, now)
    channels = {"sdr-alerts": ALERTS, "sdr-managers": MANAGERS, "marketing": MARKETING}
    with running_fake_slack(channels=channels) as fake:
        procs = [_start(tmp_path, url, fake, config) for _ in range(2)]
        try:
            wait_for(lambda: len(fake.messages(MARKETING)) >= 2, 60)  # the digest and its chart
            wait_for(lambda: fake.messages(MANAGERS), 60)  # the escalation
            wait_for(lambda: len(fake.messages(ALERTS)) >= 2, 60)  # the alert and its reminder
            first = _holder(pg_engine)
            assert first is not None
            holder_pid = int(first.split(":")[1])
            [victim] = [p for p in procs if p.pid == holder_pid]
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            killed_at = time.monotonic()
            wait_for(lambda: _holder(pg_engine) not in (None, first), 90)
            assert time.monotonic() - killed_at <= TTL.total_seconds() + 20
            time.sleep(3)  # the taker makes up for missed runs: none may repeat a period
            assert len(fake.messages(MARKETING)) == 2
            assert len(fake.messages(MANAGERS)) == 1
            assert len(fake.messages(ALERTS)) == 2
            fake.assert_no_problems()
        finally:
            for p in procs:
                if p.poll() is None:
                    p.terminate()
                    p.wait(timeout=15)
