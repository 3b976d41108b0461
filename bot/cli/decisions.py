"""`sdrbot import decisions FILE.csv`: past SDR decisions, all rows or none."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from bot.cli.common import actor, console, engine, err_console, fail, now
from bot.ingest.csv_files import CSVFileError
from bot.usecases.imports.decisions_csv import DecisionReport, import_decisions

MAX_ERRORS_SHOWN = 50


def import_decisions_cmd(file: Path) -> None:
    try:
        report = import_decisions(engine(), file, now=now(), actor=f"{actor()} import:{file.name}")
    except CSVFileError as exc:
        raise fail(str(exc), 2) from exc
    show_decisions(report)
    if report.errors:
        raise typer.Exit(2)


def show_decisions(report: DecisionReport) -> None:
    name = report.path.name
    table = Table(title=f"{name}: {report.rows} row(s)", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for decision in ("promote", "recycle", "disqualify"):
        table.add_row(f"{decision} decisions recorded", str(report.by_decision.get(decision, 0)))
    table.add_row("already imported", str(report.duplicates))
    table.add_row("rows refused", f"[red]{len(report.errors)}[/]" if report.errors else "0")
    console.print(table)
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        err_console.print(f"{name}, {error}", style="red", markup=False)
    if len(report.errors) > MAX_ERRORS_SHOWN:
        err_console.print(f"... and {len(report.errors) - MAX_ERRORS_SHOWN} more refused row(s).")
    if report.errors:
        err_console.print(
            "Nothing of this file was stored: a history is imported whole. Fix the refused "
            "rows (or leave them out) and import the file again."
        )
    elif report.recorded:
        console.print("These are history: no alert or thread note was posted for them.")
