"""`sdrbot calibrate --history`: the report, the model file, the same score after `sdrbot model
apply` and `sdrbot import leads`, and every kind of bad input refused with exit code 2."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.ingest.history import read_history
from scoring.calibrate.examples import Example, Options
from scoring.calibrate.pipeline import calibrate
from tests.storage.helpers import write_csv

HEADER = [
    "CRM ID",
    "Employees",
    "Industry",
    "Region",
    "Newsletter",
    "Blank",
    "Constant",
    "Stage",
    "Outcome",
]


def run(cli: CliRunner, *args: str) -> tuple[int, str]:
    result = cli.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def rows(n: int = 400, seed: int = 5) -> list[list[object]]:
    """Won mostly in software and at 50–199 employees; 'Stage' leaks the outcome."""
    rng = random.Random(seed)
    out: list[list[object]] = []
    for i in range(n):
        industry = rng.choice(["Software", "software", "Retail", "Hospitality", f"Other {i}"])
        size = int(rng.lognormvariate(4, 1.2))
        chance = 0.15 + 0.45 * (industry.lower() == "software") + 0.3 * (50 <= size < 200)
        won = rng.random() < chance
        out.append(
            [
                f"CRM-{i}",
                size if rng.random() > 0.1 else "",
                industry,
                rng.choice(["North", "South", "East"]),
                rng.choice(["yes", "no"]),
                "",
                "same",
                "closed" if won else "open",
                "Won" if won else "lost",
            ]
        )
    return out


@pytest.fixture
def history(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "history.csv", HEADER, rows())


def calibrate_args(*extra: str) -> list[str]:
    return ["calibrate", "--history", "history.csv", "--label", "Outcome", *extra]


def test_the_report_and_the_model_and_an_imported_lead_scored_as_the_report_said(
    cli: CliRunner, history: Path, tmp_path: Path
) -> None:
    args = calibrate_args("--id-column", "CRM ID", "--exclude", "Stage", "--out", "model.toml")
    code, out = run(cli, *args)
    assert code == 0, out
    for text in (
        "400 lead(s) with an outcome",
        "cross-validated AUC: points model",
        "logistic regression on one-hot features",
        "Lift by score band",
        "MQL at 70 points",
        "expected MQL→SQL rate",
        "Rules (",
        "industry: software",
        "Blank",
        "is empty in every row",
        "Constant",
        "has the one value 'same' in every row",
        "Wrote model.toml",
    ):
        assert text.casefold() in out.casefold(), text
    assert "Stage" not in out  # excluded: neither a rule nor a skipped column
    text = (tmp_path / "model.toml").read_text(encoding="utf-8")
    assert "converted (all leads:" in text  # each rule carries its evidence

    # what the report's model gives each lead, computed again from the same file
    found = read_history(history, "Outcome", "CRM ID", ["Stage"])
    expected_model = calibrate([Example(r.facts, r.label) for r in found.rows], Options())
    assert expected_model.text == text
    expected = {
        row.key: score for row, score in zip(found.rows, expected_model.scores, strict=True)
    }

    assert run(cli, "model", "validate", "model.toml")[0] == 0
    code, out = run(cli, "model", "apply", "model.toml")
    assert code == 0, out
    code, out = run(cli, "import", "leads", "history.csv", "--id-column", "CRM ID")
    assert code == 0, out
    assert run(cli, "export", "leads", "--out", "scores.csv")[0] == 0
    with (tmp_path / "scores.csv").open(encoding="utf-8") as f:
        stored = {f"x:{r['external_id']}": float(r["score"]) for r in csv.DictReader(f)}
    assert len(stored) == 400
    assert stored == expected
    assert len({s for s in stored.values()}) > 5  # the model tells leads apart


def refused(cli: CliRunner, tmp_path: Path, *args: str) -> str:
    code, out = run(cli, *args, "--out", "model.toml")
    assert code == 2, out
    assert "No model was written" in out or "Error" in out
    assert not (tmp_path / "model.toml").exists()
    return " ".join(out.split())


def test_a_missing_label_column_is_named_with_the_columns(
    cli: CliRunner, history: Path, tmp_path: Path
) -> None:
    out = refused(cli, tmp_path, "calibrate", "--history", "history.csv", "--label", "Won")
    assert "no column 'Won'" in out and "CRM ID, Employees" in out


def test_labels_that_are_no_outcome_are_named_with_their_counts(
    cli: CliRunner, tmp_path: Path
) -> None:
    data = rows()
    for i in range(3):
        data[i][-1] = "maybe"
    data[5][-1] = ""
    write_csv(tmp_path / "history.csv", HEADER, data)
    out = refused(cli, tmp_path, *calibrate_args())
    assert "'maybe' (3)" in out and "'(empty)' (1)" in out and "won/lost" in out


def test_too_few_rows_and_too_few_of_one_outcome_say_how_many_are_needed(
    cli: CliRunner, tmp_path: Path
) -> None:
    write_csv(tmp_path / "history.csv", HEADER, rows(20))
    assert "needs at least 50" in refused(cli, tmp_path, *calibrate_args())
    data = rows()
    for row in data[5:]:
        row[-1] = "lost"
    for row in data[:5]:
        row[-1] = "won"
    write_csv(tmp_path / "history.csv", HEADER, data)
    out = refused(cli, tmp_path, *calibrate_args())
    assert "5 example(s) converted" in out and "at least 10 of each" in out


def test_duplicate_ids_are_named_with_their_lines(cli: CliRunner, tmp_path: Path) -> None:
    data = rows()
    data[7][0] = data[2][0]
    write_csv(tmp_path / "history.csv", HEADER, data)
    out = refused(cli, tmp_path, *calibrate_args("--id-column", "CRM ID"))
    assert "'CRM-2' on lines 4, 9" in out and "more than once" in out


def test_a_file_that_is_not_utf8_and_an_unknown_excluded_column(
    cli: CliRunner, history: Path, tmp_path: Path
) -> None:
    out = refused(cli, tmp_path, *calibrate_args("--exclude", "Nope"))
    assert "no column 'Nope'" in out and "--exclude" in out
    (tmp_path / "latin.csv").write_bytes("Outcome,Stadt\nwon,Köln\n".encode("latin-1"))
    out = refused(cli, tmp_path, "calibrate", "--history", "latin.csv", "--label", "Outcome")
    assert "not UTF-8" in out
