"""Log-odds weights as readable whole points on the default model's scale.

A lead with no rule scores 0 and the MQL line stays where the default model has it (70): the
weights are multiplied by the one factor that puts the log-odds of the chosen cut at the
threshold. Within an attribute whose rules cover every example (its values, its ranges, empty)
the weakest rule is made the zero, so that points read as "better than the worst value" and
most of them are positive; that moves only the constant, which the threshold absorbs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.calibrate.candidates import Candidate
from scoring.calibrate.fitting import Fit

MIN_SPAN = 0.25  # log-odds; below, the leads are as good as alike
SPREAD_POINTS = 160  # the most points between the weakest and the strongest leads (5 %–95 %)


@dataclass(frozen=True)
class Centred:
    coef: np.ndarray  # per chosen column
    base: float  # log-odds of a lead that matches no rule


def centre(fit: Fit, candidates: Sequence[Candidate], x: np.ndarray) -> Centred:
    coef = fit.coef.copy()
    base = fit.intercept
    groups: dict[str, list[int]] = {}
    for k, j in enumerate(fit.columns):
        group = candidates[j].group
        if group is not None:
            groups.setdefault(group, []).append(k)
    for members in groups.values():
        cols = fit.columns[members]
        covered = x[:, cols].sum(axis=1)
        if len(members) > 1 and np.all(covered == 1):
            low = float(coef[members].min())
            coef[members] -= low
            base += low
    return Centred(coef, base)


@dataclass(frozen=True)
class Scale:
    factor: float  # points per unit of log-odds
    limited: bool  # the factor that puts the cut on the threshold would make points unreadable


def scale_for(centred: Centred, cut: float, threshold: int, logits: np.ndarray) -> Scale:
    """Points per unit of log-odds that put the log-odds `cut` at `threshold` points.

    When the cut lies close to (or below) a lead without points, which happens when the
    target rate is below what nearly all leads convert at, that factor would blow points up
    into the hundreds. It is then limited so that the middle 90 % of the leads spans at most
    SPREAD_POINTS: the threshold is stricter than the target asks, and the report says so.
    """
    low, high = np.percentile(logits, [5, 95]) if logits.size else (0.0, 1.0)
    most = SPREAD_POINTS / max(MIN_SPAN, float(high - low))
    wanted = threshold / (cut - centred.base) if cut - centred.base > 0 else np.inf
    return Scale(min(wanted, most), wanted > most)


def points(centred: Centred, scale: float) -> np.ndarray:
    return np.round(centred.coef * scale).astype(np.int64)
