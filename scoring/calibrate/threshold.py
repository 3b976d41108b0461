"""The cut that gives the target MQL→SQL rate: the lowest score whose leads at or above it
convert at the target rate or better, so that as many leads as possible are MQLs at that rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Cut:
    value: float  # leads scoring this or more are MQLs
    mql_rate: float  # share of the leads at or above it
    precision: float  # their conversion rate: the expected MQL→SQL rate
    reached: bool  # False: no cut reaches the target; the cut with the best rate is taken
    everyone: bool  # True: the target is below the rate of nearly all leads


def cut_for_rate(scores: np.ndarray, labels: np.ndarray, target: float) -> Cut:
    """Among the distinct scores (the lowest kept out, so at least one group stays below)."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order].astype(float)
    # the last position of each distinct score: a cut admits all leads of its score
    last = np.flatnonzero(np.r_[s[1:] != s[:-1], True])
    hits = np.cumsum(y)[last]
    admitted = last + 1
    precision = hits / admitted
    if len(last) < 2:
        n = len(s)
        return Cut(float(s[0]), 1.0, float(y.mean()) if n else 0.0, False, True)
    candidates = np.arange(len(last) - 1)  # the lowest distinct score is never the cut
    ok = candidates[precision[candidates] >= target]
    if ok.size:
        k = int(ok.max())
        reached = True
    else:
        k = int(candidates[np.argmax(precision[candidates])])
        reached = False
    return Cut(
        float(s[last[k]]),
        float(admitted[k] / len(s)),
        float(precision[k]),
        reached,
        reached and k == len(last) - 2,
    )
