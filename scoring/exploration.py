"""Which near-threshold leads an exploration sample shows: a seeded random share of the band.

Each lead of the band is in the sample with probability `share` exactly (the count is
`share × n` with its fraction rounded up or down at random), so a label from the sample stands
for 1 / share leads of the band that nobody was shown. The draw is seeded by the period: the
same period and the same band give the same sample, whatever the order the leads came in.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable

# what an SDR may answer to an exploration alert: the decisions, as "would you have…"
ANSWERS = ("promote", "recycle", "disqualify")


def in_band(score: float, line: float, band: float) -> bool:
    """Under the MQL line by at most `band` points."""
    return line - band <= score < line


def pick(lead_ids: Iterable[int], share: float, period: str) -> list[int]:
    """The sampled leads, in id order; none when `share` is 0."""
    band = sorted(set(lead_ids))
    if share <= 0 or not band:
        return []
    rng = random.Random(f"sdrbot-exploration:{period}")
    wanted = share * len(band)
    count = math.floor(wanted) + (1 if rng.random() < wanted - math.floor(wanted) else 0)
    return sorted(rng.sample(band, min(count, len(band))))
