"""Points fitted with a regularised logistic model: an L1 path picks the rules that matter
(at most `max_rules`, the size chosen by BIC), then a lightly penalised refit sets their
weights without the L1 shrinkage."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

PATH = np.logspace(-3, 1, 13)  # inverse strengths of the L1 penalty, weakest selection last
REFIT_C = 1.0


@dataclass(frozen=True)
class Fit:
    columns: np.ndarray  # the chosen candidate columns
    coef: np.ndarray  # their weights in log-odds
    intercept: float


def select(x: np.ndarray, y: np.ndarray, max_rules: int) -> np.ndarray:
    """The columns of the L1 fit with the best BIC among those with at most `max_rules`."""
    n = len(y)
    best: tuple[float, np.ndarray] | None = None
    scaled = x - x.mean(axis=0)  # centred columns: the penalty treats rare and common alike
    std = scaled.std(axis=0)
    usable = std > 0
    scaled = scaled[:, usable] / std[usable]
    index = np.flatnonzero(usable)
    for c in PATH:
        model = _l1(c).fit(scaled, y)
        chosen = np.flatnonzero(model.coef_[0])
        if len(chosen) > max_rules:
            break
        p = np.clip(model.predict_proba(scaled)[:, 1], 1e-9, 1 - 1e-9)
        loglik = float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
        bic = -2 * loglik + (len(chosen) + 1) * np.log(n)
        if best is None or bic < best[0]:
            best = (bic, index[chosen])
    if best is None:
        # even the strongest penalty keeps too many: the strongest columns of that fit
        model = _l1(PATH[0]).fit(scaled, y)
        order = np.argsort(-np.abs(model.coef_[0]))[:max_rules]
        return np.sort(index[order[np.abs(model.coef_[0][order]) > 0]])
    return np.sort(best[1])


def _l1(c: float) -> LogisticRegression:
    return LogisticRegression(l1_ratio=1.0, C=c, solver="liblinear", max_iter=200, tol=1e-4)


def refit(x: np.ndarray, y: np.ndarray, columns: np.ndarray) -> Fit:
    if columns.size == 0:
        rate = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
        return Fit(columns, np.zeros(0), float(np.log(rate / (1 - rate))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(C=REFIT_C, max_iter=500).fit(x[:, columns], y)
    return Fit(columns, model.coef_[0].copy(), float(model.intercept_[0]))


def fit(x: np.ndarray, y: np.ndarray, max_rules: int) -> Fit:
    return refit(x, y, select(x, y, max_rules))
