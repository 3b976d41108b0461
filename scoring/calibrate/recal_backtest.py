"""The backtest of a revision: learned from the older decisions only, judged on the latest ones
(held out by time, as it will be used), before and after: MQL precision, recall and AUC; and
how many current leads the revision would make MQLs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_auc_score

from scoring.calibrate.recal_features import Layout, layout, line_of
from scoring.calibrate.recal_types import (
    Current,
    Decided,
    Line,
    NotEnough,
    RecalOptions,
    Revision,
)
from scoring.calibrate.recalibration import revise
from scoring.model import ScoringModel


@dataclass(frozen=True)
class Quality:
    precision: float | None  # promote rate of the held-out decisions at or above the line
    recall: float  # share of the promoted ones at or above it
    auc: float | None  # None: the held-out part has one kind of decision only


@dataclass(frozen=True)
class Backtest:
    train: int
    test: int
    before: Quality | None
    after: Quality | None
    skipped: str = ""  # why there is no backtest


def scores(
    lay: Layout, revision: Revision | None, model: ScoringModel
) -> tuple[np.ndarray, np.ndarray]:
    """Each lead's total and whether it qualifies, under the revision (None: as the model is)."""
    if revision is None:
        fit, eng = lay.dimensions(lay.old_points, [], np.zeros(0))
        return fit + eng, lay.qualifies(fit, eng, line_of(model))
    new = {c.id: c.new for c in revision.changes}
    pts = np.array([new.get(r.id, r.points) for r in lay.rule_list], dtype=float)
    cand_pts = np.array([r.points for r in revision.new_rules], dtype=float)
    fit, eng = lay.dimensions(pts, [r.candidate for r in revision.new_rules], cand_pts)
    line = Line(revision.threshold_new, revision.min_fit[1], revision.min_engagement[1])
    return fit + eng, lay.qualifies(fit, eng, line)


def quality(y: np.ndarray, total: np.ndarray, above: np.ndarray) -> Quality:
    n, pos = int(above.sum()), int(y.sum())
    auc = float(roc_auc_score(y, total)) if 0 < pos < len(y) else None
    return Quality(
        float(y[above].mean()) if n else None,  # nobody at or above the line: no rate
        float(y[above].sum() / pos) if pos else 0.0,
        auc,
    )


def backtest(
    model: ScoringModel,
    decided: Sequence[Decided],
    current: Sequence[Current],
    options: RecalOptions,
) -> Backtest:
    ordered = sorted(decided, key=lambda d: d.at)
    cut = round(len(ordered) * (1 - options.holdout))
    train, test = ordered[:cut], ordered[cut:]
    if not test:
        return Backtest(len(train), 0, None, None, "no decisions are left to hold out")
    try:
        revision = revise(model, train, current, options)
    except NotEnough as exc:
        return Backtest(len(train), len(test), None, None, f"the older part alone: {exc}")
    y = np.array([1.0 if d.label else 0.0 for d in test])
    before = layout(model, [], test, options.window_days)
    after = layout(model, [r.candidate for r in revision.new_rules], test, options.window_days)
    return Backtest(
        len(train),
        len(test),
        quality(y, *scores(before, None, model)),
        quality(y, *scores(after, revision, model)),
    )


def would_become_mqls(
    model: ScoringModel, revision: Revision, current: Sequence[Current], window_days: int
) -> tuple[int, int]:
    """(open leads that would become MQLs, leads that would qualify in all)."""
    if not current:
        return 0, 0
    lay = layout(model, [r.candidate for r in revision.new_rules], current, window_days)
    _, old = scores(lay, None, model)
    _, new = scores(lay, revision, model)
    is_open = np.array([c.open for c in current], dtype=bool)
    return int((is_open & new & ~old).sum()), int(new.sum())
