"""`sdrbot import outcomes FILE.csv`: good rows move leads, bad rows are reported by line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from storage.db import make_engine
from tests.api.helpers import rows
from tests.storage.helpers import write_csv


def test_import_outcomes(cli: CliRunner, tmp_path: Path) -> None:
    write_csv(
        tmp_path / "leads.csv", ["email", "id"], [["a@x.example", "A-1"], ["b@x.example", "B-1"]]
    )
    assert cli.invoke(app, ["import", "leads", "leads.csv"]).exit_code == 0
    header = ["Email", "CRM ID", "Stage", "Amount", "Date", "Message ID"]
    write_csv(
        tmp_path / "deals.csv",
        header,
        [
            ["a@x.example", "", "opportunity", "10,000", "2026-05-01T10:00:00Z", "d1"],
            ["", "A-1", "Won", "12000.5", "2026-05-20", "d2"],
            ["a@x.example", "", "won", "", "", "d2"],  # the same delivery again
            ["b@x.example", "", "closed", "", "", ""],
            ["b@x.example", "", "lost", "lots", "", ""],
            ["c@x.example", "", "won", "", "", ""],
            ["a@x.example", "", "lost", "", "", "d3"],
        ],
    )
    result = cli.invoke(app, ["import", "outcomes", "deals.csv"])
    out = result.output
    assert result.exit_code == 1, out
    for text in (
        "outcomes recorded",
        "duplicates ignored",
        "line 5, field 'stage': 'closed' is not a stage",
        "line 6, field 'amount'",
        "line 7, field 'email': no lead has the e-mail 'c@x.example'",
        "line 8, field 'stage': a lead in status 'won' cannot move to 'lost'",
    ):
        assert text in out, text
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    got = rows(engine, "select to_status, cause, details from lifecycle_transition order by id")
    assert [(t, c) for t, c, _ in got] == [("opportunity", "crm:opportunity"), ("won", "crm:won")]
    assert '"amount":12000.5' in got[1][2].replace(" ", "")
    engine.dispose()


def test_a_file_without_a_stage_column_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    write_csv(tmp_path / "deals.csv", ["email", "amount"], [["a@x.example", "1"]])
    result = cli.invoke(app, ["import", "outcomes", "deals.csv"])
    assert result.exit_code == 2 and "lacks the column(s) stage" in result.output


def test_a_decimal_comma_is_refused_not_read_as_thousands(cli: CliRunner, tmp_path: Path) -> None:
    write_csv(tmp_path / "leads.csv", ["email"], [["a@x.example"], ["b@x.example"]])
    assert cli.invoke(app, ["import", "leads", "leads.csv"]).exit_code == 0
    write_csv(
        tmp_path / "deals.csv",
        ["email", "stage", "amount"],
        [["a@x.example", "opportunity", "12,50"], ["b@x.example", "opportunity", "1,250.50"]],
    )
    out = cli.invoke(app, ["import", "outcomes", "deals.csv"]).output
    assert "line 2, field 'amount': '12,50' has a decimal comma" in out, out
    assert "write it like 12.50" in out
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    got = rows(engine, "select details from lifecycle_transition")
    assert len(got) == 1 and '"amount":1250.5' in got[0][0].replace(" ", "")
    engine.dispose()
