"""Benchmark of `sdrbot calibrate`: quality and time of the learned points model on a real
history file, against a plain logistic regression measured in the same run.

    python bench/calibration.py                      # X Education's Leads.csv, label Converted
    python bench/calibration.py --file other.csv --label Won --id-column "Deal ID" --exclude Stage

Printed: the points model's 5-fold cross-validated AUC next to that of scikit-learn's
LogisticRegression on one-hot features (same folds), the number of rules, and the time of the
whole calibration (candidates, matrix, selection, points, threshold, model text) next to the
time of the baseline's cross-validation (encoding and five fits). Targets: AUC at least the
baseline's minus 0.01, at most 40 rules, at most 5× the baseline's time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.ingest.history import read_history  # noqa: E402
from scoring.calibrate.evaluation import baseline_auc  # noqa: E402
from scoring.calibrate.examples import Example, Options  # noqa: E402
from scoring.calibrate.pipeline import (  # noqa: E402
    cross_validate,
    learn_model,
    prepare,
)

DEFAULT_FILE = "/work/shared/data/xeducation/Leads.csv"
# filled in by the sales team after the outcome, or scores derived from it: they leak it
LEAKY = [
    "Tags",
    "Lead Quality",
    "Lead Profile",
    "Last Activity",
    "Last Notable Activity",
    "Asymmetrique Activity Index",
    "Asymmetrique Profile Index",
    "Asymmetrique Activity Score",
    "Asymmetrique Profile Score",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--file",
        default=os.environ.get("SDRBOT_CALIBRATION_FILE", DEFAULT_FILE),
        help="the history CSV (default: $SDRBOT_CALIBRATION_FILE or X Education's Leads.csv)",
    )
    parser.add_argument("--label", default="Converted", help="the outcome column")
    parser.add_argument("--id-column", default="Prospect ID", help="the lead id column")
    parser.add_argument(
        "--exclude",
        nargs="*",
        default=[*LEAKY, "Lead Number"],
        help="columns not to learn from (default: the leaky ones and the second id)",
    )
    parser.add_argument("--target-rate", type=float, default=0.30)
    parser.add_argument("--max-rules", type=int, default=40)
    args = parser.parse_args()
    path = Path(args.file)
    if not path.is_file():
        print(
            f"skipped: {path} does not exist (give another with --file or $SDRBOT_CALIBRATION_FILE)"
        )
        return 0
    history = read_history(path, args.label, args.id_column, args.exclude)
    examples = [Example(row.facts, row.label) for row in history.rows]
    options = Options(max_rules=args.max_rules, target_rate=args.target_rate)

    started = time.perf_counter()
    prepared = prepare(examples, options)
    calibration = learn_model(prepared, options)
    calibration_s = time.perf_counter() - started

    started = time.perf_counter()
    baseline = baseline_auc(prepared, options)
    baseline_s = time.perf_counter() - started

    started = time.perf_counter()
    points = cross_validate(prepared, options)
    points_cv_s = time.perf_counter() - started

    p_auc, b_auc = sum(points) / len(points), sum(baseline) / len(baseline)
    rules = len(calibration.rules)
    at = calibration.at_threshold
    print(
        f"{path.name}: {len(examples)} leads, {calibration.base_rate:.1%} converted, "
        f"{calibration.candidates} candidate rules, {len(calibration.skipped)} columns skipped"
    )
    print(
        f"AUC (5-fold CV)      points model {p_auc:.4f}  baseline {b_auc:.4f}  "
        f"difference {p_auc - b_auc:+.4f}  (target >= -0.01: {_ok(p_auc >= b_auc - 0.01)})"
    )
    print(f"  per fold           points {' '.join(f'{a:.3f}' for a in points)}")
    print(f"                     baseline {' '.join(f'{a:.3f}' for a in baseline)}")
    print(f"rules                {rules}  (target <= 40: {_ok(rules <= 40)})")
    print(
        f"time                 calibration {calibration_s:.2f} s  baseline CV {baseline_s:.2f} s"
        f"  ratio {calibration_s / baseline_s:.2f}x  (target <= 5x: "
        f"{_ok(calibration_s <= 5 * baseline_s)})"
    )
    print(f"                     points model CV (5 more learnings) {points_cv_s:.2f} s")
    print(
        f"threshold            {at.threshold}: {at.mql_rate:.1%} MQLs, {at.precision:.1%} of "
        f"them converted, {at.recall:.1%} of conversions"
    )
    return 0


def _ok(met: bool) -> str:
    return "met" if met else "NOT met"


if __name__ == "__main__":
    sys.exit(main())
