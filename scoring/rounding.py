"""Whole points and when they can next change: the one cut both agree on.

A breakdown line shows its decayed value rounded (`round_points`); the schedule of its next
change (`line_changes`) asks when that rounding would show another number, with the same cut
(`shown_down_to`), so no value can show one number while its change is never scheduled.
"""

from __future__ import annotations

import math

from scoring.model import EngagementRule
from scoring.state import DAY

DIGITS = 6  # round_points cuts a value to this many decimals before rounding it
_HALF_UNIT = 0.5 * 10.0**-DIGITS  # half a unit of the last decimal kept


def round_points(raw: float) -> float:
    """Whole points, half away from zero (12.5 -> 13, -2.5 -> -3).

    The value is first cut to DIGITS decimals so that the tiny floating-point differences of
    adding the same events in another order can never tip a line over a .5 boundary.
    """
    x = round(raw, DIGITS)
    return math.copysign(math.floor(abs(x) + 0.5), x) + 0.0


def shown_down_to(points: float) -> float:
    """The magnitude below which a line no longer shows `points` (|points| >= 1): round_points
    shows p down to p - 0.5 less half a unit of the last decimal kept, not down to p - 0.5
    (scheduling from p - 0.5 left values just below it with no change scheduled: frozen)."""
    return abs(points) - 0.5 - _HALF_UNIT


def line_changes(
    rule: EngagementRule, raw: float, points: float, now: float, first_day: int | None
) -> float:
    """When a shown line can next change: its decayed value falls below `shown_down_to` (the
    cut of round_points), or its oldest day leaves the window. A millisecond early absorbs
    floating-point error; being early is harmless, the lead is simply scored again."""
    when = math.inf
    hl = rule.decay_seconds
    step = shown_down_to(points)
    if hl > 0 and step > 0:
        when = now + hl * math.log2(abs(raw) / step) - 0.001 if abs(raw) > step else now
    if first_day is not None:
        when = min(when, (first_day + rule.window_days) * DAY - 0.001)
    return max(when, now)
