"""`sdrbot calibrate --history FILE.csv --label COLUMN --out model.toml`: a model learned from
past leads with a known outcome, with the evidence to judge it before `sdrbot model apply`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.common import console, engine, fail
from bot.ingest.csv_files import CSVFileError
from bot.ingest.history import History, read_history
from bot.usecases.learning.from_db import labelled_examples
from scoring.calibrate.examples import Example, Options

if TYPE_CHECKING:
    from scoring.calibrate.pipeline import Calibration


def register(app: typer.Typer) -> None:
    app.command("calibrate")(calibrate_cmd)


def calibrate_cmd(
    history: Path | None = typer.Option(
        None, "--history", help="CSV of past leads, one row each, with their outcome."
    ),
    label: str | None = typer.Option(
        None,
        "--label",
        help="The outcome column: 1/0, yes/no, true/false, won/lost or converted/not.",
    ),
    from_db: bool = typer.Option(
        False,
        "--from-db",
        help="Learn from the leads in the database with a decision or CRM outcome instead.",
    ),
    out: Path = typer.Option(..., "--out", help="Where to write the learned model (.toml)."),
    id_column: str | None = typer.Option(
        None, "--id-column", help="The column holding the CRM id (as for `import leads`)."
    ),
    exclude: list[str] = typer.Option(
        [],
        "--exclude",
        help="A column not to learn from (repeatable), e.g. one filled in after the outcome.",
    ),
    target_rate: float = typer.Option(
        0.30, "--target-rate", help="The MQL→SQL rate wanted at the threshold (0–1)."
    ),
    max_rules: int = typer.Option(40, "--max-rules", help="The most rules the model may have."),
) -> None:
    """Learn a scoring model from past leads with a known outcome and write it as a model file."""
    if not 0 < target_rate < 1:
        raise fail(f"--target-rate must lie between 0 and 1 (e.g. 0.3), got {target_rate}", 2)
    if max_rules < 1:
        raise fail(f"--max-rules must be at least 1, got {max_rules}", 2)
    if out.is_dir():
        raise fail(f"--out {out} is a folder; give the path of the .toml file to write", 2)
    if not out.parent.is_dir():
        raise fail(f"--out {out}: the folder {out.parent} does not exist", 2)
    if from_db == (history is not None):
        raise fail("give either --history FILE.csv (with --label COLUMN) or --from-db", 2)
    if history is not None:
        source, found, examples = _from_history(history, label, id_column, exclude)
    else:
        found = None
        source, examples = _from_db(exclude)
    calibration = _learn(source, found, examples, max_rules, target_rate)
    out.write_text(calibration.text, encoding="utf-8")
    console.print(
        f"Wrote {out}. Check it with `sdrbot model validate {out}`, "
        f"activate it with `sdrbot model apply {out}`."
    )


def _from_history(
    history: Path, label: str | None, id_column: str | None, exclude: list[str]
) -> tuple[str, History, list[Example]]:
    if label is None:
        raise fail("--history needs --label COLUMN: the column that holds the outcome", 2)
    try:
        found = read_history(history, label, id_column, exclude)
    except CSVFileError as exc:
        raise fail(f"{exc}. No model was written.", 2) from exc
    return history.name, found, [Example(row.facts, row.label) for row in found.rows]


def _from_db(exclude: list[str]) -> tuple[str, list[Example]]:
    labelled = labelled_examples(engine())
    left_out = exclude_set(exclude)
    examples = [
        Example(
            {k: v for k, v in ex.facts.items() if k not in left_out},
            ex.label,
            ex.events,
            ex.known_at,
        )
        for ex in labelled.examples
    ]
    source = (
        f"the database ({labelled.decisions} SDR decision(s) ({labelled.exploration} on "
        f"exploration alerts), {labelled.ae} AE answer(s) to a handover ({labelled.sent_back} "
        f"sent back), {labelled.crm} CRM outcome(s))"
    )
    return source, examples


def exclude_set(names: list[str]) -> set[str]:
    """Fact names are case-insensitive: `--exclude "Lead Origin"` leaves out `lead origin`."""
    return {name.strip().casefold() for name in names}


def _learn(
    source: str,
    found: History | None,
    examples: list[Example],
    max_rules: int,
    target_rate: float,
) -> Calibration:
    """The model and its report (printed); a calibration error exits 2 with nothing written."""
    # scikit-learn loads in seconds: only this command needs it, not every start of `sdrbot`
    from bot.cli.calibrate_report import show
    from scoring.calibrate.evaluation import compare
    from scoring.calibrate.learn import CalibrationError
    from scoring.calibrate.pipeline import learn_model, prepare

    options = Options(max_rules=max_rules, target_rate=target_rate)
    try:
        prepared = prepare(examples, options)
        calibration = learn_model(prepared, options)
        comparison = compare(prepared, options)
    except CalibrationError as exc:
        raise fail(f"{source}: {exc}. No model was written.", 2) from exc
    show(source, found, calibration, comparison, options)
    return calibration
