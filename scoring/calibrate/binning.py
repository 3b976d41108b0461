"""Numeric ranges a person would write: edges at round numbers (50, 200, 1,000), and ranges
that neither overlap nor leave gaps at the data's own precision (50–199, then 200–999)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

_MANTISSAS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5, 10.0)


def nice(x: float) -> float:
    """The round number nearest to x on a log scale (1, 1.5, 2, 2.5, 3, 4, 5, 7.5 × 10^k)."""
    if x == 0 or not math.isfinite(x):
        return 0.0
    sign = -1.0 if x < 0 else 1.0
    magnitude = 10.0 ** math.floor(math.log10(abs(x)))
    best = min(_MANTISSAS, key=lambda m: abs(math.log(abs(x) / (m * magnitude))))
    return sign * float(f"{best * magnitude:.6g}")


def resolution(values: np.ndarray) -> float:
    """The step between neighbouring values the data can hold: 1 for whole numbers, else
    0.1 or 0.01 (finer data is rounded into these ranges, a value between two ranges falls into
    neither)."""
    if np.all(values == np.round(values)):
        return 1.0
    if np.all(np.abs(values * 10 - np.round(values * 10)) < 1e-9):
        return 0.1
    return 0.01


def edges(values: np.ndarray, max_bins: int) -> list[float]:
    """Inner edges: quantiles rounded to round numbers, each a real split of the data."""
    if values.size == 0:
        return []
    quantiles = np.quantile(values, np.linspace(0, 1, max_bins + 1)[1:-1])
    low, high = float(values.min()), float(values.max())
    step = resolution(values)
    found: list[float] = []
    for q in quantiles:
        # a round number the data can hold (7.5 visits is no edge of whole numbers)
        edge = _round(math.ceil(nice(float(q)) / step - 1e-9) * step, step)
        # an edge at the minimum splits nothing off; a value that many leads share (0 visits)
        # is its own range: the next edge is just above it
        if edge <= low:
            edge = _round(low + step, step)
        if low < edge <= high and edge not in found:
            found.append(edge)
    return sorted(found)


@dataclass(frozen=True)
class Range:
    low: float | None  # inclusive; None: no lower bound
    high: float | None  # inclusive; None: no upper bound

    def label(self) -> str:
        if self.low is None:
            return f"up to {_show(self.high)}"
        if self.high is None:
            return f"{_show(self.low)} or more"
        if self.low == self.high:
            return _show(self.low)
        return f"{_show(self.low)}–{_show(self.high)}"


def ranges(values: np.ndarray, max_bins: int) -> list[Range]:
    """Ranges covering every number at the data's precision, one per bin between the edges."""
    inner = edges(values, max_bins)
    if not inner:
        return []
    step = resolution(values)
    bounds: list[float | None] = [None, *inner, None]
    out = []
    for lo, hi in itertools.pairwise(bounds):
        high = None if hi is None else _round(hi - step, step)
        out.append(Range(lo, high))
    return out


def _round(x: float, step: float) -> float:
    digits = max(0, -math.floor(math.log10(step)))
    return round(x, digits)


def _show(x: float | None) -> str:
    assert x is not None
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"
