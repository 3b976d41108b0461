"""`sdrbot generate`: write synthetic leads, events and their hidden truth as CSV files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.sample import GenerateSummary, generate
from bot.sample.truth import TRUTHS


def _problem(leads: int, days: int, seed: int, out: Path) -> str | None:
    if leads < 1:
        return "--leads must be at least 1"
    if days < 1:
        return "--days must be at least 1"
    if seed < 0:
        return "--seed must be 0 or greater"
    if out.exists() and not out.is_dir():
        return f"--out must be a directory, but {out} is a file"
    return None


def _history_problem(truth: str, weeks: int) -> str | None:
    if truth not in TRUTHS:
        return f"--truth must be one of {', '.join(TRUTHS)}, not {truth!r}"
    if not 0 <= weeks <= 52:
        return "--history-weeks must be between 0 and 52"
    return None


def register(app: typer.Typer) -> None:
    @app.command("generate")
    def generate_cmd(
        leads: int = typer.Option(500, "--leads", help="How many leads to generate."),
        days: int = typer.Option(90, "--days", help="Spread the events over the last D days."),
        out: Path = typer.Option(Path("sample"), "--out", help="Directory for the CSV files."),
        seed: int = typer.Option(42, "--seed", help="Same seed, same data."),
        truth: str = typer.Option(
            "seed",
            "--truth",
            help="The hidden ground truth: 'seed' (the default model's ideal customer) or "
            "'shifted' (a market the default model misjudges).",
        ),
        history_weeks: int = typer.Option(
            5, "--history-weeks", help="Weeks of past SDR decisions and CRM outcomes (0: none)."
        ),
    ) -> None:
        """Write a synthetic leads.csv, events.csv and truth.csv (the hidden propensity), and
        the past weeks' SDR decisions (decisions.csv) and CRM outcomes (outcomes.csv)."""
        problem = _problem(leads, days, seed, out) or _history_problem(truth, history_weeks)
        if problem:
            # Exit code 2 and this wording match the usage errors Typer reports for bad options.
            typer.echo(f"Error: {problem}\nTry 'sdrbot generate --help' for help.", err=True)
            raise typer.Exit(2)
        console = Console()
        columns = (
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(f"Generating {leads:,} leads", total=leads)
            summary = generate(
                leads,
                days,
                out,
                seed=seed,
                now=datetime.now(UTC),
                progress=lambda n: bar.advance(task, n),
                truth=truth,
                history_weeks=history_weeks,
            )

        _show(console, summary, out, days, history_weeks)


def _show(console: Console, summary: GenerateSummary, out: Path, days: int, weeks: int) -> None:
    table = Table(title=f"Sample data in {out}")
    table.add_column("File")
    table.add_column("Rows", justify="right")
    table.add_column("What")
    table.add_row(str(summary.paths["leads"]), f"{summary.leads:,}", "leads with attributes")
    table.add_row(
        str(summary.paths["events"]),
        f"{summary.events:,}",
        f"events of the last {days} days, oldest first",
    )
    table.add_row(
        str(summary.paths["truth"]),
        f"{summary.leads:,}",
        f"hidden truth: {summary.converted:,} converted ({summary.conversion_rate:.1%})",
    )
    table.add_row(
        str(summary.paths["decisions"]),
        f"{summary.decisions:,}",
        f"SDR decisions of the last {weeks} weeks",
    )
    table.add_row(
        str(summary.paths["outcomes"]),
        f"{summary.outcomes:,}",
        "CRM outcomes of promoted leads",
    )
    console.print(table)
    console.print("Next, load them (in this order):")
    console.print(f"  sdrbot import leads {summary.paths['leads']}", markup=False, highlight=False)
    for kind in ("events", "decisions", "outcomes"):
        console.print(
            f"  sdrbot import {kind} {summary.paths[kind]}", markup=False, highlight=False
        )
