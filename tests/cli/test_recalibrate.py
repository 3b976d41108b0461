"""`sdrbot recalibrate` and `sdrbot model proposals | approve | reject | rollback`: the proposal
made, approved once, a second approval and one of a superseded proposal refused with exit code
2 and nothing changed, a rejection with its reason, a rollback that notes the undone approval."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from storage.db import make_engine, session_scope
from storage.repositories import model_versions
from storage.schema import upgrade
from tests.conftest import NOW
from tests.usecases.learning_data import decided_leads


def run(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, " ".join(result.output.split())


def _db(n: int) -> None:
    engine = make_engine(os.environ["DATABASE_URL"])
    upgrade(engine)
    decided_leads(engine, NOW, n, open_leads=30)
    engine.dispose()


def _active() -> int:
    engine = make_engine(os.environ["DATABASE_URL"])
    with session_scope(engine) as s:
        row = model_versions.get_active(session=s)
        assert row is not None and row.version is not None
        version = row.version
    engine.dispose()
    return version


def test_too_few_decisions_say_what_is_missing(cli: CliRunner, tmp_path: Path) -> None:
    _db(12)
    code, out = run(cli, "recalibrate")
    assert code == 2
    assert "nothing to propose yet" in out and "18 more decision(s)" in out


def test_propose_approve_once_and_roll_back(cli: CliRunner, tmp_path: Path) -> None:
    _db(150)
    code, out = run(cli, "recalibrate", "--dry-run")
    assert code == 0, out
    assert "Dry run: nothing was stored" in out and "MQL line: 70 →" in out
    code, out = run(cli, "recalibrate")
    assert code == 0 and "Proposal #1 is pending" in out
    code, out = run(cli, "recalibrate")
    assert "Proposal #1 is superseded by it" in out
    code, out = run(cli, "model", "approve", "1")
    assert code == 2 and "superseded by proposal #2" in out
    assert _active() == 1
    code, out = run(cli, "model", "approve", "2")
    assert code == 0, out
    assert "model v2 is active" in out
    code, out = run(cli, "model", "approve", "2")
    assert code == 2 and "approved already" in out and "v2" in out
    code, out = run(cli, "model", "reject", "2", "--reason", "late")
    assert code == 2 and "approved already" in out
    code, out = run(cli, "model", "proposals")
    assert "approved → v2" in out and "superseded" in out
    code, out = run(cli, "model", "rollback", "1")
    assert code == 0 and "undoes the approval of proposal #2" in out
    assert _active() == 1
    assert "(rolled back)" in run(cli, "model", "proposals")[1]


def test_reject_needs_a_reason_and_keeps_it(cli: CliRunner, tmp_path: Path) -> None:
    _db(150)
    run(cli, "recalibrate")
    code, out = run(cli, "model", "reject", "1", "--reason", " ")
    assert code == 2 and "say why" in out
    code, out = run(cli, "model", "reject", "1", "--reason", "the season is odd")
    assert code == 0 and "rejected" in out
    code, out = run(cli, "model", "approve", "1")
    assert code == 2 and "rejected by" in out and "the season is odd" in out
    listed = run(cli, "model", "proposals")[1]
    assert "rejected" in listed and "season" in listed
    code, out = run(cli, "model", "approve", "9")
    assert code == 2 and "no proposal #9" in out


def test_a_backtest_line_no_held_out_lead_reaches_says_so_rather_than_zero_percent() -> None:
    from bot.cli.proposal_report import _quality

    nobody = {"precision": None, "recall": 0.0, "auc": 0.63}
    assert _quality(nobody) == "no held-out lead at or above the line, recall 0%, AUC 0.63"
    assert _quality({"precision": 0.4, "recall": 0.09, "auc": None}) == "precision 40%, recall 9%"
