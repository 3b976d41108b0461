"""Per-lead engagement state that decays in closed form.

Scoring a lead at a later time must not re-read its event history. Each engagement rule keeps a
small summary of the events it matched:

* rules without a window keep one decayed sum and the time it was taken (`acc` at `ref`): the
  value at any later time is `acc * 2 ** (-(now - ref) / half_life)`;
* rules with a window, and count rules ("3+ visits on different days"), keep one bucket per UTC
  day: the number of events that day, their decayed sum at the day's latest event (`acc` at
  `ref`, as above) and the day's first event time (for the evidence). Buckets that have left the
  window are dropped, so the state stays bounded by the window's length.

Both are exact for decay; every factor applied is at most 1, so no half-life is too short to
compute. Windows are counted in whole UTC days ("within the last 30 days" means today and the
29 days before).
"""

from __future__ import annotations

import math
from typing import Any

from scoring.model import EngagementRule

DAY = 86400.0


def decay_factor(age_seconds: float, half_life_seconds: float) -> float:
    if half_life_seconds <= 0:
        return 1.0
    return math.exp2(-max(0.0, age_seconds) / half_life_seconds)


def fold(
    acc: float, ref: float, points: float, t: float, half_life_seconds: float
) -> tuple[float, float]:
    """Add `points` earned at `t` to the decayed sum `acc` taken at `ref`; return the new pair.

    The pair always refers to the latest time seen, so events may arrive in any order.
    """
    if t >= ref:
        return acc * decay_factor(t - ref, half_life_seconds) + points, t
    return acc + points * decay_factor(ref - t, half_life_seconds), ref


# a day bucket is a plain list, exactly as stored in JSON, so loading a state creates no objects:
# [day, count, acc (decayed sum of the day's points taken at ref), ref (the day's latest event),
#  first (the day's earliest event)]
B_DAY, B_COUNT, B_ACC, B_REF, B_FIRST = range(5)


class RuleState:
    """What one rule has seen of one lead. Times are UTC epoch seconds."""

    __slots__ = ("acc", "days", "first", "last", "n", "ref")

    def __init__(self) -> None:
        self.n = 0
        self.first = math.inf
        self.last = -math.inf
        self.acc = 0.0
        self.ref = 0.0
        self.days: list[list[Any]] | None = None  # day buckets, oldest first

    def add(self, rule: EngagementRule, t: float) -> None:
        self.n += 1
        if t < self.first:
            self.first = t
        if t > self.last:
            self.last = t
        hl = rule.decay_seconds
        if rule.window_days > 0 or rule.is_threshold:
            self._add_to_day(rule, t, hl)
            return
        if self.n == 1:
            self.acc, self.ref = float(rule.points), t
        else:
            self.acc, self.ref = fold(self.acc, self.ref, rule.points, t, hl)

    def _add_to_day(self, rule: EngagementRule, t: float, hl: float) -> None:
        if self.days is None:
            self.days = []
        days = self.days
        day = int(t // DAY)
        # events mostly arrive in time order: the newest bucket is the one to look at first
        index = len(days)
        while index > 0 and days[index - 1][B_DAY] > day:
            index -= 1
        if index > 0 and days[index - 1][B_DAY] == day:
            bucket = days[index - 1]
            bucket[B_COUNT] += 1
            bucket[B_ACC], bucket[B_REF] = fold(bucket[B_ACC], bucket[B_REF], rule.points, t, hl)
            if t < bucket[B_FIRST]:
                bucket[B_FIRST] = t
        else:
            days.insert(index, [day, 1, float(rule.points), t, t])
        if rule.window_days > 0 and len(days) > rule.window_days:
            oldest = int(self.last // DAY) - rule.window_days + 1
            self.days = [b for b in days if b[B_DAY] >= oldest]

    def in_window(self, rule: EngagementRule, now: float) -> list[list[Any]]:
        """The day buckets that count at `now` (all of them for a rule without a window)."""
        assert self.days is not None
        if rule.window_days <= 0:
            return self.days
        oldest = int(now // DAY) - rule.window_days + 1
        days = self.days
        if not days or days[0][B_DAY] >= oldest:
            return days
        return [b for b in days if b[B_DAY] >= oldest]

    def to_json(self) -> list[Any]:
        # JSON has no infinity (PostgreSQL rejects it): an empty state's bounds are written as null
        first = self.first if math.isfinite(self.first) else None
        last = self.last if math.isfinite(self.last) else None
        return [self.n, first, last, self.acc, self.ref, self.days]

    @classmethod
    def from_json(cls, raw: list[Any]) -> RuleState:
        s = cls.__new__(cls)
        s.n, first, last, s.acc, s.ref, s.days = raw
        s.first = math.inf if first is None else first
        s.last = -math.inf if last is None else last
        return s


class LeadState:
    """All rule states of one lead plus the few facts the lifecycle needs."""

    __slots__ = ("fast_track", "last_event", "last_positive", "rules")

    def __init__(self) -> None:
        self.rules: dict[str, RuleState] = {}
        self.last_event: float | None = None
        self.last_positive: float | None = None  # last event that added points or fast-tracked
        self.fast_track: tuple[float, str] | None = None  # latest hand-raiser: (time, type)

    def to_json(self) -> dict[str, Any]:
        return {
            "r": {k: v.to_json() for k, v in self.rules.items()},
            "le": self.last_event,
            "lp": self.last_positive,
            "ft": list(self.fast_track) if self.fast_track else None,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> LeadState:
        s = cls()
        if not raw:
            return s
        s.rules = {k: RuleState.from_json(v) for k, v in raw.get("r", {}).items()}
        s.last_event = raw.get("le")
        s.last_positive = raw.get("lp")
        ft = raw.get("ft")
        s.fast_track = (float(ft[0]), str(ft[1])) if ft else None
        return s
