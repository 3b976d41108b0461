"""Per-lead engagement state that decays in closed form.

Scoring a lead at a later time must not re-read its event history. Each engagement rule keeps a
small summary of the events it matched:

* rules without a window keep one decayed sum and the time it was taken (`acc` at `ref`): the
  value at any later time is `acc * 2 ** (-(now - ref) / half_life)`;
* rules with a window, and count rules ("3+ visits on different days"), keep one bucket per UTC
  day inside the window: the count and the points normalised to the start of that day. Buckets
  that have left the window are dropped, so the state stays bounded by the window's length.

Both are exact for decay; windows are counted in whole UTC days ("within the last 30 days" means
today and the 29 days before).
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


class RuleState:
    """What one rule has seen of one lead. Times are UTC epoch seconds."""

    __slots__ = ("acc", "days", "first", "last", "n", "ref")

    def __init__(self) -> None:
        self.n = 0
        self.first = math.inf
        self.last = -math.inf
        self.acc = 0.0
        self.ref = 0.0
        self.days: dict[int, list[float]] | None = None

    def add(self, rule: EngagementRule, t: float) -> None:
        self.n += 1
        self.first = min(self.first, t)
        self.last = max(self.last, t)
        hl = rule.decay_seconds
        if rule.window_days > 0 or rule.is_threshold:
            if self.days is None:
                self.days = {}
            day = int(t // DAY)
            bucket = self.days.setdefault(day, [0, 0.0])
            bucket[0] += 1
            bucket[1] += rule.points / decay_factor(t - day * DAY, hl)
            if rule.window_days > 0:
                oldest = int(self.last // DAY) - rule.window_days + 1
                if len(self.days) > rule.window_days:
                    for d in [d for d in self.days if d < oldest]:
                        del self.days[d]
            return
        if self.n == 1:
            self.acc, self.ref = float(rule.points), t
        elif t >= self.ref:
            self.acc = self.acc * decay_factor(t - self.ref, hl) + rule.points
            self.ref = t
        else:
            self.acc += rule.points * decay_factor(self.ref - t, hl)

    def in_window(self, rule: EngagementRule, now: float) -> list[tuple[int, list[float]]]:
        assert self.days is not None
        if rule.window_days <= 0:
            return list(self.days.items())
        oldest = int(now // DAY) - rule.window_days + 1
        return [(d, b) for d, b in self.days.items() if d >= oldest]

    def to_json(self) -> list[Any]:
        days = None if self.days is None else [[d, b[0], b[1]] for d, b in self.days.items()]
        return [self.n, self.first, self.last, self.acc, self.ref, days]

    @classmethod
    def from_json(cls, raw: list[Any]) -> RuleState:
        s = cls()
        s.n, s.first, s.last, s.acc, s.ref, days = raw
        if days is not None:
            s.days = {int(d): [c, v] for d, c, v in days}
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
