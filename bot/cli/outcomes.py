"""`sdrbot import outcomes FILE.csv`: CRM outcomes as lifecycle transitions."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from bot.cli.common import actor, console, engine, err_console, fail, now
from bot.ingest.csv_files import CSVFileError
from bot.usecases.imports.outcomes_csv import OutcomeReport, import_outcomes

MAX_ERRORS_SHOWN = 50


def import_outcomes_cmd(file: Path) -> None:
    eng = engine()
    try:
        report = import_outcomes(eng, file, now=now(), actor=f"{actor()} import:{file.name}")
    except CSVFileError as exc:
        raise fail(str(exc), 2) from exc
    show_outcomes(report)
    if report.errors:
        raise typer.Exit(1)


def show_outcomes(report: OutcomeReport) -> None:
    file = report.path
    table = Table(title=f"{file.name}: {report.rows} row(s)", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("outcomes recorded", str(report.recorded))
    table.add_row("duplicates ignored", str(report.duplicates))
    table.add_row("already at that stage", str(report.unchanged))
    table.add_row("rows rejected", f"[red]{len(report.errors)}[/]" if report.errors else "0")
    console.print(table)
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        err_console.print(f"{file.name}, {error}", style="red", markup=False)
    if len(report.errors) > MAX_ERRORS_SHOWN:
        err_console.print(f"... and {len(report.errors) - MAX_ERRORS_SHOWN} more rejected row(s).")
