"""The array types the sample's draws share, and a weighted pick of indexes."""

from __future__ import annotations

from typing import Any

import numpy as np

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def pick(rng: np.random.Generator, weights: list[float], size: int) -> IntArray:
    """`size` indexes into `weights`, each drawn with its weight's share of the sum."""
    cumulative = np.cumsum(weights) / sum(weights)
    return np.searchsorted(cumulative, rng.random(size), side="right").astype(np.int64)
