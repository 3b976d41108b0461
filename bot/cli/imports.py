"""`sdrbot import leads|events|outcomes|decisions FILE.csv`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from bot.cli.common import actor, console, engine, err_console, fail, now, progress_bar
from bot.cli.decisions import import_decisions_cmd
from bot.cli.outcomes import import_outcomes_cmd
from bot.ingest.csv_files import CSVFileError, count_rows
from bot.usecases.imports.csv_import import ImportReport, Kind, import_file

MAX_ERRORS_SHOWN = 50


def register(app: typer.Typer) -> None:
    imp = typer.Typer(
        help="Import leads, events, CRM outcomes or past decisions from CSV files.",
        no_args_is_help=True,
    )
    app.add_typer(imp, name="import")

    @imp.command("leads")
    def leads_cmd(
        file: Path = typer.Argument(..., help="CSV with a header; needs an email or id column."),
        id_column: str | None = typer.Option(
            None, "--id-column", help="The column holding the CRM id."
        ),
    ) -> None:
        """Create or update leads. Standard columns map to lead fields, others are kept as
        custom attributes."""
        _run(file, "leads", id_column)

    @imp.command("events")
    def events_cmd(
        file: Path = typer.Argument(..., help="CSV with email (or id), type, occurred_at."),
    ) -> None:
        """Record events; scores and lifecycle states move as they arrive."""
        _run(file, "events", None)

    @imp.command("outcomes")
    def outcomes_cmd(
        file: Path = typer.Argument(
            ...,
            help="CSV with email (or id), stage (opportunity, won, "
            "lost), and optionally amount, timestamp, message_id.",
        ),
    ) -> None:
        """Record CRM outcomes: the leads move to opportunity, won or lost."""
        import_outcomes_cmd(file)

    @imp.command("decisions")
    def decisions_cmd(
        file: Path = typer.Argument(
            ...,
            help="CSV with email (or id), decision (promote, recycle, disqualify), decided_at, "
            "and optionally alerted_at, reason, notes, decided_by.",
        ),
    ) -> None:
        """Record past SDR decisions (history: nothing is posted to Slack). The whole file is
        checked first; one refused row and nothing is stored (exit code 2)."""
        import_decisions_cmd(file)


def _run(file: Path, kind: Kind, id_column: str | None) -> None:
    eng = engine()
    try:
        total = count_rows(file) if file.is_file() else None
        with progress_bar(f"Importing {kind}", total) as advance:
            report = import_file(
                eng,
                file,
                kind,
                now=now(),
                actor=f"{actor()} import:{file.name}",
                id_column=id_column,
                progress=advance,
            )
    except CSVFileError as exc:
        raise fail(str(exc), 2) from exc
    show_report(report)
    if report.rejected:
        raise typer.Exit(1)


def show_report(report: ImportReport) -> None:
    table = Table(title=f"{report.path.name}: {report.rows} row(s)", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    if report.kind == "leads":
        table.add_row("leads created", str(report.created))
        table.add_row("leads updated", str(report.updated))
        table.add_row("unchanged", str(report.unchanged))
    else:
        table.add_row("events recorded", str(report.accepted))
        table.add_row("duplicates ignored", str(report.duplicates))
        table.add_row("leads created from events", str(report.created))
    for key, count in sorted(report.settle.transitions.items()):
        table.add_row(f"transitions {key}", str(count))
    table.add_row("MQL alerts queued", str(report.settle.alerts))
    table.add_row("rows rejected", f"[red]{report.rejected}[/]" if report.rejected else "0")
    console.print(table)
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        err_console.print(f"{report.path.name}, {error}", style="red", markup=False)
    if report.rejected > MAX_ERRORS_SHOWN:
        err_console.print(f"... and {report.rejected - MAX_ERRORS_SHOWN} more rejected row(s).")
    if report.rejected:
        err_console.print(
            "The other rows were imported. Fix the rejected rows and import the file "
            "again: rows already imported are not duplicated."
        )
