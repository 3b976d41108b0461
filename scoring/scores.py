"""A lead's score at one moment, and the breakdown lines that explain it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


# slotted, not frozen: a frozen dataclass sets each field through a call, and the nightly decay
# builds a line for every rule of every due lead; nothing changes one once it is made
@dataclass(slots=True)
class BreakdownLine:
    rule_id: str
    dimension: str  # "fit" | "engagement"
    label: str
    points: float  # after decay and caps, rounded to whole points
    nominal: float  # before decay
    evidence: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "dim": self.dimension,
            "label": self.label,
            "points": self.points,
            "nominal": self.nominal,
            "evidence": self.evidence,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BreakdownLine:
        return cls(d["rule"], d["dim"], d["label"], d["points"], d["nominal"], dict(d["evidence"]))


@dataclass(slots=True)
class Score:
    total: float
    fit: float
    engagement: float
    fit_grade: str
    engagement_level: int
    qualifies: bool  # meets the MQL threshold and both minimums
    band: str  # "mql" | "nurture" | "cold"
    fast_track: tuple[datetime, str] | None  # a hand-raiser still within its hold
    lines: tuple[BreakdownLine, ...]
    computed_at: datetime
    # the earliest moment the score, band or fast-track flag can change without a new event
    # (decay crossing a rounding step, a day leaving a window, a hold running out); None: never
    next_change_at: datetime | None = None

    @property
    def grade(self) -> str:
        return f"{self.fit_grade}{self.engagement_level}"

    @property
    def alertable(self) -> bool:
        return self.qualifies or self.fast_track is not None

    def breakdown_json(self) -> list[dict[str, Any]]:
        return [line.to_dict() for line in self.lines]
