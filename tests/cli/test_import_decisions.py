"""`sdrbot import decisions FILE.csv`: past decisions go in whole and silently, or not at all."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from storage.db import make_engine
from tests.api.helpers import count, rows
from tests.storage.helpers import write_csv

HEADER = ["Email", "Decision", "Alerted at", "Decided at", "Reason", "Decided by"]


def _leads(cli: CliRunner, tmp_path: Path) -> None:
    write_csv(
        tmp_path / "leads.csv",
        ["email", "title", "company_size"],
        [["a@x.example", "CEO", "120"], ["b@x.example", "Student", ""], ["c@x.example", "", ""]],
    )
    assert cli.invoke(app, ["import", "leads", "leads.csv"]).exit_code == 0


def test_past_decisions_are_history_in_the_trail_and_post_nothing(
    cli: CliRunner, tmp_path: Path
) -> None:
    _leads(cli, tmp_path)
    write_csv(
        tmp_path / "decisions.csv",
        HEADER,
        [
            [
                "a@x.example",
                "Promote",
                "2026-05-20T09:00:00Z",
                "2026-05-20T11:30:00Z",
                "",
                "U0SDR1",
            ],
            ["b@x.example", "disqualify", "", "2026-05-21T10:00:00Z", "Student", "sdr.lena"],
            [
                "c@x.example",
                "recycle",
                "2026-05-22T08:00:00Z",
                "2026-05-22T09:00:00Z",
                "No reply",
                "",
            ],
        ],
    )
    result = cli.invoke(app, ["import", "decisions", "decisions.csv"])
    assert result.exit_code == 0, result.output
    assert "promote decisions recorded    │ 1" in result.output
    assert "no alert or thread note was posted" in result.output
    engine = make_engine()
    status = {r.email: r.status for r in rows(engine, "select email, status from lead")}
    assert status == {
        "a@x.example": "sql",
        "b@x.example": "disqualified",
        "c@x.example": "recycled",
    }
    decided = rows(engine, "select decision, decided_by, reason from decision order by decided_at")
    assert [tuple(r) for r in decided[:2]] == [
        ("promote", "slack:U0SDR1", None),
        ("disqualify", "import:sdr.lena", "Student"),
    ]
    assert decided[2].decided_by.endswith("import:decisions.csv")  # nobody named: the import
    trail = rows(
        engine, "select from_status, to_status, cause, at from lifecycle_transition order by at, id"
    )
    assert [(t.from_status, t.to_status, t.cause) for t in trail] == [
        ("lead", "mql", "imported"),
        ("mql", "sql", "decision:promote"),
        ("lead", "mql", "imported"),
        ("mql", "disqualified", "decision:disqualify"),
        ("lead", "mql", "imported"),
        ("mql", "recycled", "decision:recycle"),
    ]
    assert str(trail[0].at).startswith("2026-05-20 09:00")  # the alert's moment, for the SLA
    assert count(engine, "outbox") == 0  # no alert, note or handover for the past

    again = cli.invoke(app, ["import", "decisions", "decisions.csv"])
    assert again.exit_code == 0, again.output
    assert "already imported" in again.output and count(engine, "decision") == 3


def test_one_bad_row_stores_nothing_and_every_bad_row_is_named(
    cli: CliRunner, tmp_path: Path
) -> None:
    _leads(cli, tmp_path)
    write_csv(
        tmp_path / "decisions.csv",
        HEADER,
        [
            ["a@x.example", "promote", "", "2026-05-20T11:30:00Z", "", ""],
            ["b@x.example", "maybe", "", "2026-05-21T10:00:00Z", "", ""],
            ["c@x.example", "recycle", "", "2026-06-01T20:00:00Z", "", ""],
            ["c@x.example", "recycle", "2026-05-23T10:00:00Z", "2026-05-22T10:00:00Z", "", ""],
            ["", "recycle", "", "2026-05-22T10:00:00Z", "", ""],
        ],
    )
    result = cli.invoke(app, ["import", "decisions", "decisions.csv"])
    out = result.output
    assert result.exit_code == 2, out
    for text in (
        "line 3, field 'decision': 'maybe' is not a decision; use one of promote, recycle, "
        "disqualify",
        "line 4, field 'decided_at': '2026-06-01T20:00:00Z' lies in the future",
        "line 5, field 'alerted_at': 2026-05-23T10:00:00+00:00 comes after decided_at",
        "line 6",
        "Nothing of this file was stored",
    ):
        assert text in out, out
    engine = make_engine()
    assert count(engine, "decision") == 0 and count(engine, "lifecycle_transition") == 0


def test_a_lead_past_its_decision_or_unknown_is_refused_and_nothing_is_stored(
    cli: CliRunner, tmp_path: Path
) -> None:
    _leads(cli, tmp_path)
    write_csv(
        tmp_path / "first.csv",
        HEADER,
        [["a@x.example", "promote", "", "2026-05-20T11:00:00Z", "", ""]],
    )
    assert cli.invoke(app, ["import", "decisions", "first.csv"]).exit_code == 0
    write_csv(
        tmp_path / "second.csv",
        HEADER,
        [
            ["b@x.example", "recycle", "", "2026-05-21T11:00:00Z", "", ""],
            ["a@x.example", "disqualify", "", "2026-05-25T11:00:00Z", "", ""],
            ["nobody@x.example", "promote", "", "2026-05-21T11:00:00Z", "", ""],
        ],
    )
    result = cli.invoke(app, ["import", "decisions", "second.csv"])
    out = result.output
    assert result.exit_code == 2, out
    assert "line 3, field 'decision': the lead is sql already" in out
    assert "line 4, field 'email': no lead has it; import the lead first" in out
    engine = make_engine()
    assert count(engine, "decision") == 1  # b's good row went back with the bad ones
    assert rows(engine, "select status from lead where email = 'b@x.example'")[0][0] == "lead"


def test_a_file_without_the_needed_columns_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    write_csv(tmp_path / "d.csv", ["email", "when"], [["a@x.example", "2026-05-20"]])
    result = cli.invoke(app, ["import", "decisions", "d.csv"])
    assert result.exit_code == 2
    assert "lacks the column(s) decision, decided_at" in result.output
