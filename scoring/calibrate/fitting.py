"""Points fitted with a regularised logistic model: an L1 path picks the rules that matter
(at most `max_rules`, the size chosen by AIC), then a lightly penalised refit sets their
weights without the L1 shrinkage."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

PATH = np.logspace(-3, 1, 13)  # inverse strengths of the L1 penalty, weakest selection last
REFIT_C = 1.0
JUMP = 2  # columns one step of the path may add before it is split
SPLITS = 3
# AIC's price per column, not BIC's log(n): the points are for ranking leads, and on files with
# a weak signal (a CRM export of 600-4,000 generated leads) BIC kept 1-9 rules and ranked
# 0.02-0.17 AUC below the one-hot regression, AIC 13-33 and from 0.09 below to 0.04 above it;
# on the benchmark file both keep the same 32 (docs/performance.md, 2026-12-03)
PRICE = 2.0


@dataclass(frozen=True)
class Fit:
    columns: np.ndarray  # the chosen candidate columns
    coef: np.ndarray  # their weights in log-odds
    intercept: float


def select(x: np.ndarray, y: np.ndarray, max_rules: int) -> np.ndarray:
    """The columns of the L1 fit with the best AIC among those with at most `max_rules`.

    The AIC of a path's columns is that of their refit (`refit`, as the points will be set),
    not of the L1 fit itself: the L1 fit shrinks the weights it keeps and, in liblinear, the
    intercept too, so the first steps of the path, which keep few columns, looked far worse
    than they are. Where one step of the path adds many columns at once, strengths between
    the two are tried too: on a few hundred leads with a weak signal the path went from none
    to eleven, and none won."""
    scaled = x - x.mean(axis=0)  # centred columns: the penalty treats rare and common alike
    std = scaled.std(axis=0)
    usable = std > 0
    scaled = scaled[:, usable] / std[usable]
    index = np.flatnonzero(usable)
    supports = _path(scaled, y, max_rules)
    if not supports:
        # even the strongest penalty keeps too many: the strongest columns of that fit
        model = _l1(PATH[0]).fit(scaled, y)
        order = np.argsort(-np.abs(model.coef_[0]))[:max_rules]
        return np.sort(index[order[np.abs(model.coef_[0][order]) > 0]])
    best: tuple[float, np.ndarray] | None = None
    for chosen in supports:
        columns = index[chosen]
        aic = -2 * log_likelihood(x, y, refit(x, y, columns)) + (len(columns) + 1) * PRICE
        if best is None or aic < best[0]:
            best = (aic, columns)
    assert best is not None
    return np.sort(best[1])


def _path(scaled: np.ndarray, y: np.ndarray, max_rules: int) -> list[np.ndarray]:
    """The distinct column sets of the L1 path with at most `max_rules` columns, weakest
    penalty last; a step that adds more than JUMP columns is split (up to SPLITS times)."""
    found: dict[bytes, np.ndarray] = {}

    def kept(c: float) -> np.ndarray:
        chosen = np.flatnonzero(_l1(c).fit(scaled, y).coef_[0])
        if len(chosen) <= max_rules:
            found.setdefault(chosen.tobytes(), chosen)
        return chosen

    previous: tuple[float, int] | None = None
    for c in PATH:
        size = len(kept(c))
        if previous is not None:
            _split(kept, previous, (float(c), size), SPLITS)
        if size > max_rules:
            break
        previous = (float(c), size)
    return list(found.values())


def _split(
    kept: Callable[[float], np.ndarray], low: tuple[float, int], high: tuple[float, int], depth: int
) -> None:
    if depth == 0 or high[1] - low[1] <= JUMP:
        return
    middle = float(np.sqrt(low[0] * high[0]))
    size = len(kept(middle))
    _split(kept, low, (middle, size), depth - 1)
    _split(kept, (middle, size), high, depth - 1)


def log_likelihood(x: np.ndarray, y: np.ndarray, fitted: Fit) -> float:
    logit = fitted.intercept + x[:, fitted.columns] @ fitted.coef
    # log(1 + e^z) without overflow
    return float(np.sum(y * logit - np.logaddexp(0.0, logit)))


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
