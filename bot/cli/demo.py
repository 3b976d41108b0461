"""`sdrbot demo`: the whole scoring pipeline on a generated sample, with the MQLs and their reasons.

What a new user sees first: no Slack app and no data of their own needed.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from sqlalchemy.engine import Engine

from bot.cli.common import actor, console, engine, now, points, progress_bar
from bot.cli.decisions import show_decisions
from bot.cli.imports import show_report
from bot.cli.outcomes import show_outcomes
from bot.ingest.csv_files import count_rows
from bot.sample.generator import generate
from bot.usecases.imports.csv_import import import_file
from bot.usecases.imports.decisions_csv import import_decisions
from bot.usecases.imports.outcomes_csv import import_outcomes
from storage.db import describe, session_scope
from storage.repositories import leads as repo


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_cmd)


def demo_cmd(
    leads: int = typer.Option(300, min=1, help="How many sample leads to generate."),
    days: int = typer.Option(90, min=1, help="Days of activity to generate."),
    out: Path = typer.Option(Path("sample"), help="Where the sample CSV files go."),
    show: int = typer.Option(5, min=0, help="How many MQLs to show with their breakdown."),
) -> None:
    """Generate a sample, import it, score it, and show the MQLs with their reasons."""
    eng = engine()
    console.print(f"Database: {describe(eng)}")
    if not (out / "leads.csv").exists():
        summary = generate(leads, days, out, now=now())
        console.print(f"Generated {summary.leads} leads and {summary.events} events in {out}/.")
    for kind in ("leads", "events"):
        path = out / f"{kind}.csv"
        with progress_bar(f"Importing {kind}", count_rows(path)) as advance:
            report = import_file(
                eng, path, kind, now=now(), actor=f"{actor()} demo", progress=advance
            )
        show_report(report)
    _history(eng, out)

    with session_scope(eng) as session:
        mqls = repo.ranked(session=session, status="mql", limit=None)
        total = len(repo.ranked(session=session, limit=None))
    console.print(
        Panel(
            f"{len(mqls)} of {total} leads are MQLs "
            f"({len(mqls) / max(total, 1):.0%}; seed 000's benchmark is 10–15 %).",
            title="Result",
        )
    )
    for lead, sc in mqls[:show]:
        if sc is None:
            continue
        title = Text(
            f"{lead.name} — {lead.title or '?'} at {lead.company or '?'}: "
            f"{sc.score:g} points, grade {sc.fit_grade}{sc.engagement_level}"
            f"{'  ⚡ fast track: ' + sc.fast_track if sc.fast_track else ''}"
        )
        console.print(title, style="bold")
        table = Table(show_header=False)
        table.add_column("rule")
        table.add_column("points", justify="right")
        for line in sc.breakdown:
            table.add_row(Text(line["label"]), points(line["points"]))
        console.print(table)
    console.print(
        "Next: `sdrbot leads --status mql`, `sdrbot lead EMAIL`, `sdrbot model show`, "
        "`sdrbot digest --preview`."
    )


def _history(eng: Engine, out: Path) -> None:
    """The sample's past decisions and CRM outcomes, so that the digest has weeks to report;
    a sample generated before they existed has none, and the demo goes on without."""
    decisions, outcomes = out / "decisions.csv", out / "outcomes.csv"
    if decisions.exists():
        show_decisions(import_decisions(eng, decisions, now=now(), actor=f"{actor()} demo"))
    if outcomes.exists():
        show_outcomes(import_outcomes(eng, outcomes, now=now(), actor=f"{actor()} demo"))
