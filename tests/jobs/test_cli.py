"""`sdrbot jobs`, `sdrbot jobs run`, `sdrbot digest --preview/--post` as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app


@pytest.fixture
def configured(cli: CliRunner, tmp_path: Path) -> CliRunner:
    (tmp_path / "sdrbot.toml").write_text(
        '[general]\ntimezone = "Europe/Berlin"\n[digest]\nday = "tue"\ntime = "07:30"\n',
        encoding="utf-8",
    )
    return cli


def test_jobs_lists_schedule_last_and_next_run(configured: CliRunner) -> None:
    out = configured.invoke(app, ["jobs"])
    assert out.exit_code == 0, out.output
    assert "digest" in out.output and "weekly, Tue 07:30" in out.output
    assert "never" in out.output and "Tue 2026-06-02 07:30" in out.output  # NOW is Monday
    assert "No process runs the jobs now" in out.output
    assert "Europe/Berlin" in out.output


def test_jobs_run_is_once_per_period_unless_forced(configured: CliRunner) -> None:
    first = configured.invoke(app, ["jobs", "run", "digest"])
    assert first.exit_code == 0, first.output
    assert "digest ran for 2026-W22" in first.output
    again = configured.invoke(app, ["jobs", "run", "digest"])
    assert "ran for 2026-W22 already; nothing done. Add --force" in again.output
    forced = configured.invoke(app, ["jobs", "run", "digest", "--force"])
    assert "digest ran for 2026-W22" in forced.output
    listed = configured.invoke(app, ["jobs"])
    assert "2026-W22 done" in listed.output


def test_an_unknown_job_names_the_jobs(configured: CliRunner) -> None:
    out = configured.invoke(app, ["jobs", "run", "digets"])
    assert out.exit_code == 2 and "there is no job 'digets'; the jobs are digest" in out.output


def test_digest_preview_prints_it_and_writes_the_chart(
    configured: CliRunner, tmp_path: Path
) -> None:
    chart = tmp_path / "chart.png"
    out = configured.invoke(
        app, ["digest", "--preview", "--week", "2026-W21", "--locale", "de", "--chart", str(chart)]
    )
    assert out.exit_code == 0, out.output
    assert "Funnel-Bericht für Woche 2026-W21" in out.output
    assert "zu wenig bewegt" in out.output  # an empty database: too few to judge
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_digest_refuses_bad_input_with_the_fix(configured: CliRunner) -> None:
    week = configured.invoke(app, ["digest", "--preview", "--week", "48"])
    assert week.exit_code == 2 and "write it as YEAR-Wnn, e.g. 2026-W48" in week.output
    both = configured.invoke(app, ["digest", "--preview", "--post"])
    assert both.exit_code == 2 and "choose one of --preview and --post" in both.output
    lang = configured.invoke(app, ["digest", "--preview", "--locale", "fr"])
    assert lang.exit_code == 2 and "--locale must be one of" in lang.output


def test_digest_post_once_per_week(configured: CliRunner) -> None:
    first = configured.invoke(app, ["digest", "--post", "--week", "2026-W21"])
    assert first.exit_code == 0 and "Queued the digest of 2026-W21" in first.output
    again = configured.invoke(app, ["digest", "--post", "--week", "2026-W21"])
    assert "was posted before; nothing done. Add --force" in again.output
    forced = configured.invoke(app, ["digest", "--post", "--week", "2026-W21", "--force"])
    assert "Queued the digest of 2026-W21" in forced.output


def test_a_bad_schedule_setting_says_how_to_fix_it(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "sdrbot.toml").write_text('[digest]\ntime = "8 am"\n', encoding="utf-8")
    out = cli.invoke(app, ["jobs"])
    assert out.exit_code == 2 and 'digest.time must be a time of day as "HH:MM"' in out.output
    (tmp_path / "sdrbot.toml").write_text('[general]\ntimezone = "Berlin"\n', encoding="utf-8")
    out = cli.invoke(app, ["jobs"])
    assert out.exit_code == 2 and "IANA time zone" in out.output
