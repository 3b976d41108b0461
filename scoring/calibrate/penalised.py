"""A weighted logistic regression whose weights are pulled towards a prior (a Gaussian prior,
fitted by Newton's method): with few decisions the current points win, with many the data.

scikit-learn's penalties pull towards zero; recalibration needs them to pull towards the
points the model has now, so this small solver takes the prior's means as a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ITERATIONS = 50
TOLERANCE = 1e-8


@dataclass(frozen=True)
class PriorFit:
    coef: np.ndarray  # per column, log-odds per unit of the column
    intercept: float
    stderr: np.ndarray  # the coefficients' standard errors (from the penalised curvature)

    def logits(self, x: np.ndarray) -> np.ndarray:
        return self.intercept + x @ self.coef


def fit_towards(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    prior: np.ndarray,
    strength: np.ndarray | float,
) -> PriorFit:
    """Maximise the weighted log-likelihood minus `strength/2 · |coef − prior|²` (the
    intercept is not penalised)."""
    n, k = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    penalty = np.zeros(k + 1)
    penalty[1:] = np.broadcast_to(np.asarray(strength, dtype=float), (k,))
    centre = np.r_[0.0, prior]
    rate = float(np.clip(np.average(y, weights=weights), 1e-4, 1 - 1e-4))
    beta = centre.copy()
    beta[0] = np.log(rate / (1 - rate)) - float(np.average(x @ prior, weights=weights))
    hessian = np.eye(k + 1)
    for _ in range(ITERATIONS):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -30, 30)))
        gradient = design.T @ (weights * (y - p)) - penalty * (beta - centre)
        curvature = weights * p * (1 - p)
        hessian = design.T @ (design * curvature[:, None]) + np.diag(penalty) + 1e-9 * np.eye(k + 1)
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if float(np.max(np.abs(step))) < TOLERANCE:
            break
    stderr = np.sqrt(np.clip(np.diag(np.linalg.inv(hessian)), 0, None))
    return PriorFit(beta[1:].copy(), float(beta[0]), stderr[1:].copy())


def slope(score: np.ndarray, y: np.ndarray, weights: np.ndarray) -> PriorFit:
    """The log-odds per point of one score (lightly penalised towards 0, so a score that
    separates the labels perfectly still gives a finite slope)."""
    return fit_towards(score[:, None], y, weights, np.zeros(1), 1e-3)
