"""The command line as a user runs it (CliRunner against the real app and a SQLite file)."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import NOW
from tests.storage.helpers import CEO, EVENT_HEADER, LEAD_HEADER, MANAGER, write_csv

T = (NOW - timedelta(hours=1)).isoformat()


def run(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def loaded(cli: CliRunner, tmp_path: Path) -> CliRunner:
    write_csv(tmp_path / "leads.csv", LEAD_HEADER, [CEO, MANAGER])
    write_csv(
        tmp_path / "events.csv",
        EVENT_HEADER,
        [
            ["ceo@hotel.example", "webinar_attended", T, "", ""],
            ["ceo@hotel.example", "page_view", T, "https://x.example/product", ""],
            ["mgr@soft.example", "content_download", T, "", "whitepaper"],
        ],
    )
    assert run(cli, "import", "leads", "leads.csv")[0] == 0
    code, out = run(cli, "import", "events", "events.csv")
    assert code == 0 and "events recorded" in out and "lead->mql" in out
    return cli


def test_lead_shows_status_score_breakdown_events_and_history(loaded: CliRunner) -> None:
    code, out = run(loaded, "lead", "ceo@hotel.example")
    assert code == 0
    for text in (
        "Anna Adler",
        "Status MQL",
        "Score 130 = fit 75 + engagement 55",
        "A2",
        "CEO, managing director or founder",
        "Webinar attended",
        "+30",
        "page_view",
        "lead",
        "mql",
        "score",
    ):
        assert text in out, text
    assert run(loaded, "lead", "CRM-2")[0] == 0  # by CRM id
    code, out = run(loaded, "lead", "hotel")  # part of a company or e-mail
    assert code == 0 and "Anna Adler" in out


def test_unknown_lead_says_what_to_try(loaded: CliRunner) -> None:
    code, out = run(loaded, "lead", "nobody@nowhere.example")
    assert code == 1 and "no lead matches" in out and "sdrbot leads" in out


def test_leads_lists_by_score_and_filters_by_status(loaded: CliRunner) -> None:
    code, out = run(loaded, "leads")
    assert code == 0 and out.index("Anna") < out.index("Ben")
    code, out = run(loaded, "leads", "--status", "mql")
    assert code == 0 and "Anna" in out and "Ben" not in out
    code, out = run(loaded, "leads", "--status", "hot")
    assert code == 2 and "unknown status 'hot'" in out and "mql" in out
    # statuses are words, not case-sensitive codes (Slack's `/lead Queue` takes any case too)
    for written in ("MQL", " Mql "):
        code, out = run(loaded, "leads", "--status", written)
        assert code == 0 and "Anna" in out and "Ben" not in out, written


def test_import_leads_refuses_a_file_of_events_with_a_hint(cli: CliRunner, tmp_path: Path) -> None:
    rows = [["ceo@hotel.example", "page_view", NOW.isoformat(), "https://x.example/", ""]]
    write_csv(tmp_path / "events.csv", EVENT_HEADER, rows)
    code, out = run(cli, "import", "leads", "events.csv")
    assert code == 2 and "looks like a file of events" in out, out
    assert "sdrbot import events" in out
    code, out = run(cli, "leads")
    assert "Anna" not in out and "ceo@hotel" not in out  # nothing was created
    # leads that carry their last activity are leads: a lead field is enough to say so
    write_csv(
        tmp_path / "leads.csv",
        ["email", "first_name", "type", "occurred_at"],
        [["ceo@hotel.example", "Anna", "customer", NOW.isoformat()]],
    )
    code, out = run(cli, "import", "leads", "leads.csv")
    assert code == 0 and "leads created" in out, out


def test_import_with_rejected_rows_exits_1_and_names_the_lines(
    cli: CliRunner, tmp_path: Path
) -> None:
    write_csv(
        tmp_path / "leads.csv",
        LEAD_HEADER,
        [CEO, ["x@y.example", "", "", "", "", "", "", "lots", "", ""]],
    )
    code, out = run(cli, "import", "leads", "leads.csv")
    assert code == 1
    assert "leads.csv, line 3, field 'company_size'" in out and "rows rejected" in out
    assert "The other rows were imported" in out
    code, out = run(cli, "import", "leads", "nothere.csv")
    assert code == 2 and "no such file" in out


def test_export_writes_one_row_per_lead_with_attributes(loaded: CliRunner, tmp_path: Path) -> None:
    write_csv(tmp_path / "more.csv", ["email", "tier"], [["mgr@soft.example", "gold"]])
    assert run(loaded, "import", "leads", "more.csv")[0] == 0
    code, out = run(loaded, "export", "leads", "--out", "out.csv")
    assert code == 0 and "Wrote 2 lead(s)" in out
    with (tmp_path / "out.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "id",
        "external_id",
        "email",
        "status",
        "score",
        "fit",
        "engagement",
        "grade",
        "is_mql",
        "tier",
    ]
    ceo = next(r for r in rows if r["email"] == "ceo@hotel.example")
    assert (ceo["status"], ceo["score"], ceo["grade"], ceo["is_mql"]) == (
        "mql",
        "130",
        "A2",
        "true",
    )
    mgr = next(r for r in rows if r["email"] == "mgr@soft.example")
    assert (mgr["score"], mgr["is_mql"], mgr["tier"]) == ("35", "false", "gold")
    code, out = run(loaded, "export", "leads", "--out", "no/such/dir/out.csv")
    assert code == 2 and "does not exist" in out


def test_export_keeps_attributes_named_like_its_own_columns(
    loaded: CliRunner, tmp_path: Path
) -> None:
    write_csv(
        tmp_path / "crm.csv",
        ["Contact ID", "email", "id", "score", "zip"],
        [["C-77", "new@hotel.example", "their-id", "high", "01067"]],
    )
    assert run(loaded, "import", "leads", "crm.csv", "--id-column", "Contact ID")[0] == 0
    assert run(loaded, "export", "leads", "--out", "out.csv")[0] == 0
    with (tmp_path / "out.csv").open() as f:
        new = next(r for r in csv.DictReader(f) if r["email"] == "new@hotel.example")
    assert (new["external_id"], new["score"], new["grade"]) == ("C-77", "0", "D4")
    assert (new["attribute_id"], new["attribute_score"], new["zip"]) == (
        "their-id",
        "high",
        "01067",
    )


def test_an_empty_status_is_not_an_empty_database(loaded: CliRunner) -> None:
    code, out = run(loaded, "leads", "--status", "sql")
    assert code == 0 and "No lead is in status 'sql'" in out and "No leads yet" not in out


def test_model_validate_names_line_rule_and_field(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[fit]]\nid = "ceo"\nfield = "title"\nop = "equal"\nvalue = "CEO"\npoints = 30\n',
        encoding="utf-8",
    )
    code, out = run(cli, "model", "validate", str(bad))
    assert code == 1 and "bad.toml has 1 problem(s)" in out
    assert "line 4, fit 'ceo' (#1), field 'op'" in out and "unknown operator" in out
    code, out = run(cli, "model", "validate", "missing.toml")
    assert code == 2 and "no such file" in out


def test_model_show_apply_history_rollback(loaded: CliRunner, tmp_path: Path) -> None:
    code, out = run(loaded, "model", "show")
    assert code == 0 and "Model v1" in out and "role_executive" in out
    assert "label (de)" in out and "Abgemeldet" in out  # the German labels beside `label`
    code, raw = run(loaded, "model", "show", "--raw")
    new = tmp_path / "model.toml"
    new.write_text(
        raw.replace("mql = 70", "mql = 30").replace("min_engagement = 20", "min_engagement = 10"),
        encoding="utf-8",
    )
    assert run(loaded, "model", "validate", str(new))[0] == 0
    code, out = run(loaded, "model", "apply", str(new), "--note", "laxer")
    assert code == 0 and "Model v2 is active" in out and "lead->mql: 1" in out
    code, out = run(loaded, "model", "apply", str(new))
    assert code == 0 and "already the active model" in out
    code, out = run(loaded, "model", "history")
    assert code == 0 and "laxer" in out and "archived" in out
    # the manager's engagement (15) is within the default margin of v1's minimum (20): with
    # neither margin nor grace in the config, going back expires it at once
    (tmp_path / "sdrbot.toml").write_text("[expiry]\nmargin = 0\ngrace_days = 0\n", "utf-8")
    code, out = run(loaded, "model", "rollback", "1")
    assert code == 0 and "Model v1 is active again" in out and "mql->nurturing: 1" in out
    code, out = run(loaded, "model", "rollback", "9")
    assert code == 2 and "no model version 9" in out


def test_rescore_and_db_commands(loaded: CliRunner) -> None:
    code, out = run(loaded, "rescore")
    assert code == 0 and "Rescored 0 lead(s); 2 could not have changed" in out
    code, out = run(loaded, "rescore", "--all")
    assert code == 0 and "Rescored 2 lead(s)." in out
    code, out = run(loaded, "db", "current")
    assert code == 0 and "up to date" in out


def test_bad_database_url_is_explained(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://x@localhost/db")
    code, out = run(cli, "leads")
    assert code == 2 and "supports SQLite and PostgreSQL" in out
    monkeypatch.setenv("DATABASE_URL", "sqlite:////no/such/folder/x.db")
    code, out = run(cli, "leads")
    assert code == 2 and "does not exist" in out


def test_demo_generates_imports_and_shows_mqls(cli: CliRunner) -> None:
    code, out = run(cli, "demo", "--leads", "150", "--show", "2")
    assert code == 0 and "leads are MQLs" in out and "points, grade" in out


def test_start_without_slack_starts_the_sandbox_and_explains_how_to_connect(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    served: dict[str, Any] = {}
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)

    def serve(server: uvicorn.Server) -> None:
        served.update(host=server.config.host, port=server.config.port)

    monkeypatch.setattr(uvicorn.Server, "run", serve)
    code, out = run(cli, "start")
    assert code == 0 and "No SLACK_BOT_TOKEN" in out and "/sandbox" in out
    assert "Connect Slack" in out and "sdrbot doctor" in out and "127.0.0.1 only" in out
    assert served["host"] == "127.0.0.1" and served["port"] == 3000
    assert (tmp_path / "sandbox.db").exists()


def test_lead_counts_matches_as_slack_does_and_takes_a_hash_number(
    cli: CliRunner, tmp_path: Path
) -> None:
    rows = [
        [f"r{i}@richter.example", f"CRM-R{i}", "Eva", f"Richter{i}", "CTO", f"Richter {i} AG"]
        + [""] * (len(LEAD_HEADER) - 6)
        for i in range(13)
    ]
    write_csv(tmp_path / "richter.csv", LEAD_HEADER, rows)
    assert run(cli, "import", "leads", "richter.csv")[0] == 0
    code, out = run(cli, "lead", "richter")
    # the same search as /lead: every match counted, the first ten named
    assert code == 1 and "13 leads match 'richter'; the first 10" in out
    assert len([line for line in out.splitlines() if "@richter.example" in line]) == 10
    code, out = run(cli, "lead", "#1")
    assert code == 0 and "r0@richter.example" in out
