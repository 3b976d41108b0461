"""What the report shows about a learned model: each rule's support and conversion rate, the
threshold's rates, and the lift of score bands."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_auc_score

from scoring.calibrate.candidates import Candidate


@dataclass(frozen=True)
class RuleStat:
    candidate: Candidate
    points: int
    support: int  # examples the rule holds for
    rate: float  # their conversion rate


@dataclass(frozen=True)
class Band:
    low: int | None  # inclusive; None: no lower bound
    high: int | None  # exclusive; None: no upper bound
    leads: int
    rate: float
    lift: float  # rate / the rate of all examples

    def label(self) -> str:
        if self.low is None:
            return f"below {self.high}"
        if self.high is None:
            return f"{self.low} or more"
        return f"{self.low}–{self.high - 1}"


@dataclass(frozen=True)
class AtThreshold:
    threshold: int
    mql_rate: float  # share of examples at or above the threshold
    precision: float  # their conversion rate (expected MQL→SQL rate)
    recall: float  # share of the converted that are at or above it


def rule_stats(
    candidates: Sequence[Candidate],
    columns: np.ndarray,
    pts: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
) -> list[RuleStat]:
    out = []
    for j, p in zip(columns, pts, strict=True):
        hold = x[:, j] > 0
        n = int(hold.sum())
        out.append(RuleStat(candidates[j], int(p), n, float(y[hold].mean()) if n else 0.0))
    return out


def at_threshold(scores: np.ndarray, y: np.ndarray, threshold: int) -> AtThreshold:
    above = scores >= threshold
    n = int(above.sum())
    positives = int(y.sum())
    return AtThreshold(
        threshold,
        n / len(y) if len(y) else 0.0,
        float(y[above].mean()) if n else 0.0,
        float(y[above].sum() / positives) if positives else 0.0,
    )


def bands(scores: np.ndarray, y: np.ndarray, threshold: int) -> list[Band]:
    """Bands of the model's scale: cold, nurture (from 30), two below and two above the line."""
    nurture = min(30, threshold)
    cuts = sorted({nurture, (nurture + threshold) // 2, threshold, threshold + 30})
    base = float(y.mean()) if len(y) else 0.0
    edges: list[int | None] = [None, *cuts, None]
    out = []
    for low, high in itertools.pairwise(edges):
        inside = np.ones(len(scores), dtype=bool)
        if low is not None:
            inside &= scores >= low
        if high is not None:
            inside &= scores < high
        n = int(inside.sum())
        rate = float(y[inside].mean()) if n else 0.0
        out.append(Band(low, high, n, rate, rate / base if base else 0.0))
    return out


def auc(y: np.ndarray, scores: np.ndarray) -> float:
    return float(roc_auc_score(y, scores))
