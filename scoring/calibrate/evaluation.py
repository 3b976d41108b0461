"""The points model against the yardstick, on the same folds: 5-fold cross-validated AUC of
the whole method (rules, points, rounding) and of a logistic regression on one-hot features."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.calibrate import baseline
from scoring.calibrate.examples import Options
from scoring.calibrate.pipeline import Prepared, cross_validate, folds


@dataclass(frozen=True)
class Comparison:
    points: list[float]  # AUC per fold
    baseline: list[float]

    @property
    def points_auc(self) -> float:
        return float(np.mean(self.points))

    @property
    def baseline_auc(self) -> float:
        return float(np.mean(self.baseline))


def baseline_auc(prepared: Prepared, options: Options) -> list[float]:
    x = baseline.encode(prepared.examples)
    return baseline.cross_validate(x, prepared.y, folds(prepared.y, options))


def compare(prepared: Prepared, options: Options) -> Comparison:
    return Comparison(cross_validate(prepared, options), baseline_auc(prepared, options))
