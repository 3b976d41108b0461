"""`sdrbot db prune` as an operator runs it, and `sdrbot doctor`'s hint to run it."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.cli import app
from bot.usecases.admin import retention
from storage.db import make_engine
from tests.conftest import NOW
from tests.storage.outbox_rows import add_alert, add_ids, add_lead, add_row, id_count, outbox_ids

OLD = NOW - timedelta(days=40)


def run(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def db(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The CLI's database with 3 old sent messages, one old alert, a failed delivery and
    4 delivery ids of which 3 are past a week."""
    monkeypatch.setattr(retention, "KEEP_NEWEST_SENT", 0)
    assert run(cli, "db", "upgrade")[0] == 0
    engine = make_engine(os.environ["DATABASE_URL"])
    for _ in range(3):
        add_row(engine, sent_at=OLD, created_at=OLD)
    add_alert(engine, add_lead(engine, OLD), OLD)
    add_row(engine, status="failed", created_at=OLD)
    add_ids(engine, NOW - timedelta(days=8), 3)
    add_ids(engine, NOW - timedelta(days=2))
    return engine


def test_dry_run_counts_and_deletes_nothing(cli: CliRunner, db: Engine) -> None:
    code, out = run(cli, "db", "prune", "--dry-run")
    assert code == 0, out
    assert "Dry run: nothing was deleted" in out and "would delete" in out
    assert "│ outbox          │ 3 " in out and "older than 30d" in out
    assert "│ ingest_message  │ 3 " in out and "older than 7d" in out
    assert "│ ingest_rejected │ 0 " in out and "more than 90d ago" in out
    assert len(outbox_ids(db)) == 5 and id_count(db) == 4


def test_prune_deletes_and_reports_per_table(cli: CliRunner, db: Engine) -> None:
    code, out = run(cli, "db", "prune")
    assert code == 0, out
    assert "deleted" in out and "Dry run" not in out
    assert "│ outbox          │ 3 " in out and "│ ingest_message  │ 3 " in out
    assert "the latest alert of each lead" in out
    assert len(outbox_ids(db)) == 2 and id_count(db) == 1
    code, out = run(cli, "db", "prune", "--older-than", "36h")
    assert code == 0 and "│ outbox          │ 0 " in out and "│ ingest_message  │ 1 " in out
    assert "older than 36h" in out and id_count(db) == 0


@pytest.mark.parametrize("bad", ["30", "3w", "0d", "-1d", "1.5d", "d", "thirty days"])
def test_a_bad_age_names_the_option_and_the_form(cli: CliRunner, db: Engine, bad: str) -> None:
    code, out = run(cli, "db", "prune", "--older-than", bad)
    assert code == 2
    assert "--older-than takes a positive number of days or hours such as 30d" in out
    assert repr(bad) in out
    assert len(outbox_ids(db)) == 5


@pytest.mark.parametrize("good", ["90d", "12h", "7D", " 1d "])
def test_good_ages(cli: CliRunner, db: Engine, good: str) -> None:
    assert run(cli, "db", "prune", "--older-than", good, "--dry-run")[0] == 0


def test_doctor_suggests_a_prune_past_the_threshold(
    cli: CliRunner, db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SDRBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(retention, "DOCTOR_THRESHOLD", 6)
    out = run(cli, "doctor")[1]
    assert "retention" not in out
    monkeypatch.setattr(retention, "DOCTOR_THRESHOLD", 5)
    out = run(cli, "doctor")[1]
    assert "! retention: 3 sent messages and 3 delivery ids are past their retention" in out
    assert "→ run `sdrbot db prune`" in out
