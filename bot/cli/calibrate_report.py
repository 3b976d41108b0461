"""The report of `sdrbot calibrate`: what was learned from, how well it ranks against a plain
logistic regression, what the threshold gives, and every rule with its evidence."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from bot.cli.common import console, err_console
from bot.ingest.history import History
from scoring.calibrate.evaluation import Comparison
from scoring.calibrate.examples import Options
from scoring.calibrate.pipeline import Calibration

REJECTED_SHOWN = 10


def show(
    source: str,
    history: History | None,
    cal: Calibration,
    comparison: Comparison,
    options: Options,
) -> None:
    console.print(
        f"[bold]{escape(source)}[/]: {cal.examples} lead(s) with an outcome, "
        f"{cal.base_rate:.1%} converted; {cal.candidates} candidate rule(s) tried."
    )
    _rejected(history)
    if cal.skipped:
        table = Table(title="Columns not learned from")
        table.add_column("column")
        table.add_column("why")
        for s in cal.skipped:
            table.add_row(escape(s.field), escape(s.reason))
        console.print(table)
    console.print(
        f"Ranking quality, {options.folds}-fold cross-validated AUC: points model "
        f"[bold]{comparison.points_auc:.3f}[/], logistic regression on one-hot features "
        f"{comparison.baseline_auc:.3f} (1.0 ranks perfectly, 0.5 is chance)."
    )
    _bands(cal)
    at = cal.at_threshold
    console.print(
        f"MQL at {at.threshold} points: {at.mql_rate:.1%} of these leads would be MQLs "
        f"(expected MQL rate), {at.precision:.1%} of them converted (expected MQL→SQL rate, "
        f"target {options.target_rate:.0%}); they hold {at.recall:.1%} of all conversions."
    )
    if at.precision < options.target_rate:
        console.print(
            "[yellow]No threshold reaches the target rate on this history; the model puts "
            "the best rate it can at 70 points.[/]"
        )
    elif cal.base_rate >= options.target_rate:
        console.print(
            f"[yellow]These leads convert at {cal.base_rate:.1%} overall, above the target: "
            "any threshold meets it, and points were kept readable rather than stretched to "
            "put nearly every lead above 70. Pass a higher --target-rate to choose.[/]"
        )
    _rules(cal)


def _rejected(history: History | None) -> None:
    if history is None or not history.rejected:
        return
    err_console.print(
        f"{len(history.rejected)} row(s) left out, as `sdrbot import leads` would refuse them:",
        style="yellow",
    )
    for error in history.rejected[:REJECTED_SHOWN]:
        err_console.print(f"  {history.path.name}, {error}", markup=False)


def _bands(cal: Calibration) -> None:
    table = Table(title="Lift by score band")
    for column in ("score", "leads", "converted", "lift"):
        table.add_column(column, justify="left" if column == "score" else "right")
    for band in cal.bands:
        table.add_row(band.label(), str(band.leads), f"{band.rate:.1%}", f"{band.lift:.2f}×")
    console.print(table)


def _rules(cal: Calibration) -> None:
    table = Table(title=f"Rules ({len(cal.rules)})")
    for column in ("dimension", "rule", "points", "leads", "converted"):
        table.add_column(column, justify="right" if column in ("points", "leads") else "left")
    for rule in cal.rules:
        table.add_row(
            rule.candidate.kind,
            escape(rule.candidate.label),
            f"{rule.points:+d}",
            str(rule.support),
            f"{rule.rate:.1%}",
        )
    console.print(table)
