"""One learning pass on a matrix: rules chosen, points scaled, checked at the threshold.

Cross-validation repeats exactly this on each training part, so the figures it reports are
those of the method, not of one lucky fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.calibrate.candidates import Candidate
from scoring.calibrate.examples import Options
from scoring.calibrate.fitting import Fit, fit
from scoring.calibrate.scaling import Centred, centre, points, scale_for
from scoring.calibrate.threshold import cut_for_rate


class CalibrationError(ValueError):
    """The examples cannot give a model; the message says what is missing."""


@dataclass(frozen=True)
class Learned:
    columns: np.ndarray  # candidate columns that got points
    points: np.ndarray  # whole points, none 0

    def scores(self, x: np.ndarray) -> np.ndarray:
        return x[:, self.columns] @ self.points.astype(float)


def learn(
    x: np.ndarray, y: np.ndarray, candidates: Sequence[Candidate], options: Options
) -> Learned:
    usable = _without_weakest(x, y, candidates)
    fitted = fit(x[:, usable], y, options.max_rules)
    fitted = Fit(usable[fitted.columns], fitted.coef, fitted.intercept)
    if fitted.columns.size == 0:
        raise CalibrationError(
            "no candidate rule tells the leads that converted from those that did not; "
            "check that the label column is the outcome and that other columns carry data"
        )
    centred = centre(fitted, candidates, x)
    logits = centred.base + x[:, fitted.columns] @ centred.coef
    cut = cut_for_rate(logits, y, options.target_rate)
    scale = scale_for(centred, cut.value, options.threshold, logits)
    pts = points(centred, scale.factor)
    if not scale.limited:
        pts = _on_the_line(x[:, fitted.columns], y, centred, scale.factor, options)
    keep = pts != 0
    return Learned(fitted.columns[keep], pts[keep])


def _without_weakest(x: np.ndarray, y: np.ndarray, candidates: Sequence[Candidate]) -> np.ndarray:
    """The columns to fit: of an attribute whose rules cover every lead, the value that
    converts worst is left out and so becomes the zero the others are measured from. Points then
    read as "better than the worst value", and a lead with no points is a weak one: the cut for
    the target rate lies above it, where a factor can put it on the threshold."""
    groups: dict[str, list[int]] = {}
    for j, cand in enumerate(candidates):
        if cand.group is not None:
            groups.setdefault(cand.group, []).append(j)
    dropped = set()
    for members in groups.values():
        if len(members) > 1 and np.all(x[:, members].sum(axis=1) == 1):
            # a value with no lead in this part of the data cannot be the zero
            rates = [float(y[x[:, j] > 0].mean()) if x[:, j].any() else np.inf for j in members]
            dropped.add(members[int(np.argmin(rates))])
    return np.array([j for j in range(x.shape[1]) if j not in dropped], dtype=np.int64)


def _on_the_line(
    x: np.ndarray, y: np.ndarray, centred: Centred, factor: float, options: Options
) -> np.ndarray:
    """Rounding to whole points moves the cut a little: of the factors near the one found, the
    one whose whole points keep the target rate at the threshold with the most MQLs."""
    best: tuple[int, np.ndarray] | None = None
    fallback: tuple[float, np.ndarray] | None = None
    for f in factor * np.linspace(0.85, 1.15, 31):
        pts = points(centred, float(f))
        above = x @ pts.astype(float) >= options.threshold
        n = int(above.sum())
        rate = float(y[above].mean()) if n else 0.0
        if rate >= options.target_rate and (best is None or n > best[0]):
            best = (n, pts)
        if fallback is None or rate > fallback[0]:
            fallback = (rate, pts)
    assert fallback is not None
    return best[1] if best is not None else fallback[1]
