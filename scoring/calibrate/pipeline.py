"""Calibration from end to end: examples → candidates → matrix → rules and points → model text
and report, and the cross-validation of the same method."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import StratifiedKFold

from scoring.calibrate.candidates import Candidate, Pool, Skipped, fit_candidates
from scoring.calibrate.engagement import engagement_candidates
from scoring.calibrate.examples import Example, Options
from scoring.calibrate.features import matrix
from scoring.calibrate.learn import CalibrationError, Learned, learn
from scoring.calibrate.model_text import model_text
from scoring.calibrate.report import (
    AtThreshold,
    Band,
    RuleStat,
    at_threshold,
    auc,
    bands,
    rule_stats,
)

MIN_ROWS = 50
MIN_PER_OUTCOME = 10


@dataclass(frozen=True)
class Prepared:
    """The examples as candidates and their matrix: everything that needs no label."""

    examples: Sequence[Example]
    pool: Pool
    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class Calibration:
    text: str  # the model file
    rules: list[RuleStat]
    at_threshold: AtThreshold
    bands: list[Band]
    skipped: list[Skipped]
    candidates: int
    examples: int
    base_rate: float
    scores: np.ndarray  # each example's score under the learned model


def columns_of(examples: Sequence[Example]) -> dict[str, list[object]]:
    names: dict[str, None] = {}
    for ex in examples:
        names.update(dict.fromkeys(ex.facts))
    return {name: [ex.facts.get(name) for ex in examples] for name in names}


def prepare(examples: Sequence[Example], options: Options) -> Prepared:
    if len(examples) < MIN_ROWS:
        raise CalibrationError(
            f"{len(examples)} lead(s) with an outcome; calibration needs at least {MIN_ROWS}"
        )
    y = np.array([1.0 if ex.label else 0.0 for ex in examples])
    positives = int(y.sum())
    if min(positives, len(y) - positives) < MIN_PER_OUTCOME:
        raise CalibrationError(
            f"{positives} example(s) converted and {len(y) - positives} did not; calibration "
            f"needs at least {MIN_PER_OUTCOME} of each"
        )
    support = options.support(len(examples))
    pool = fit_candidates(columns_of(examples), support)
    if any(ex.events for ex in examples):
        engagement_candidates(pool, examples, options.window_days, support)
    if not pool.candidates:
        raise CalibrationError(
            "no attribute or event gives a candidate rule: every column was skipped "
            f"(a value needs {support} or more leads)"
        )
    return Prepared(examples, pool, matrix(pool.candidates, examples, options.window_days), y)


def calibrate(examples: Sequence[Example], options: Options | None = None) -> Calibration:
    options = options or Options()
    return learn_model(prepare(examples, options), options)


def learn_model(prepared: Prepared, options: Options) -> Calibration:
    learned = learn(prepared.x, prepared.y, prepared.pool.candidates, options)
    return describe(prepared, learned, options)


def describe(prepared: Prepared, learned: Learned, options: Options) -> Calibration:
    x, y, cands = prepared.x, prepared.y, prepared.pool.candidates
    stats = sorted(
        rule_stats(cands, learned.columns, learned.points, x, y),
        key=lambda s: (s.candidate.kind, s.candidate.group or "", -s.points),
    )
    scores = learned.scores(x)
    base = float(y.mean())
    rules = [
        (
            s.candidate,
            s.points,
            f"{s.support:,} leads ({s.support / len(y):.1%}), "
            f"{s.rate:.1%} converted (all leads: {base:.1%})",
        )
        for s in stats
    ]
    at = at_threshold(scores, y, options.threshold)
    header = [
        "Learned by `sdrbot calibrate` from "
        f"{len(y)} leads with a known outcome ({base:.1%} converted).",
        f"MQL at {options.threshold} points: {at.mql_rate:.1%} of these leads, "
        f"{at.precision:.1%} of them converted (target {options.target_rate:.0%}).",
        "Each rule's comment: the leads it holds for and how many of them converted.",
        "Check it with `sdrbot model validate FILE`, activate it with `sdrbot model apply FILE`.",
    ]
    text = model_text(
        "Calibrated from history", rules, options.threshold, options.window_days, header
    )
    return Calibration(
        text,
        stats,
        at,
        bands(scores, y, options.threshold),
        prepared.pool.skipped,
        len(cands),
        len(y),
        base,
        scores,
    )


def folds(y: np.ndarray, options: Options) -> list[tuple[np.ndarray, np.ndarray]]:
    splitter = StratifiedKFold(n_splits=options.folds, shuffle=True, random_state=options.seed)
    return list(splitter.split(np.zeros(len(y)), y))


def cross_validate(prepared: Prepared, options: Options) -> list[float]:
    """The AUC of the points model on each held-out part, learned on the others.

    The candidates come from all examples: they are built without labels."""
    aucs = []
    for train, test in folds(prepared.y, options):
        try:
            learned = learn(prepared.x[train], prepared.y[train], prepared.pool.candidates, options)
        except CalibrationError:
            aucs.append(0.5)  # no rule learned from this part: it ranks no lead above another
            continue
        aucs.append(auc(prepared.y[test], learned.scores(prepared.x[test])))
    return aucs


__all__ = ["CalibrationError", "Candidate", "learn_model", "prepare"]
