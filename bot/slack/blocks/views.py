"""What the Slack builders show, as plain values: no Slack, database or ORM types.

The use cases fill these from storage and the scoring engine; the builders turn them into Block
Kit. Keeping the two apart lets the builders be tested with any data, hostile data included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from scoring.engine import BreakdownLine


class Reason(NamedTuple):
    label: str
    points: float  # after decay, as in the breakdown
    evidence: str = ""  # a short human summary of why the rule matched


class TimelineEntry(NamedTuple):
    at: datetime
    event_type: str
    detail: str = ""


class StatusChange(NamedTuple):
    at: datetime
    from_status: str
    to_status: str
    cause: str = ""  # "score", "fast_track", "decision:promote", ...


@dataclass(frozen=True)
class DecisionView:
    outcome: str  # "promote" | "recycle" | "disqualify" (a thread note may also say "claim")
    decided_by: str  # Slack user id
    decided_at: datetime
    reason: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class ExpiredView:
    """Why an MQL expired (scoring/expiry.py): what it scored and the bars it fell under."""

    at: datetime
    score: float
    fit: float
    engagement: float
    threshold: float
    min_fit: float
    min_engagement: float
    margin: float
    grace_days: float

    @classmethod
    def of(cls, at: datetime, values: Mapping[str, Any]) -> ExpiredView:
        """From a transition's details or a thread note's `expiry` (missing values are 0)."""
        names = [f for f in cls.__dataclass_fields__ if f != "at"]
        return cls(at, *(float(values.get(name) or 0) for name in names))


@dataclass(frozen=True)
class AlertView:
    lead_id: int
    name: str
    email: str
    title: str | None
    company: str | None
    score: float
    fit: float
    engagement: float
    fit_grade: str
    engagement_level: int  # 1 is the most engaged
    reasons: Sequence[tuple[str, float, str]] = ()  # Reason values, any order
    timeline: Sequence[tuple[datetime, str, str]] = ()  # TimelineEntry values, any order
    fast_track: str | None = None  # the hand-raiser event type that fast-tracked the lead
    re_mql: bool = False
    owner_slack_id: str | None = None
    status: str = "mql"
    decision: DecisionView | None = None
    expired: ExpiredView | None = None  # set when it left the queue by expiring

    def __post_init__(self) -> None:
        # callers pass lists of plain tuples; a frozen view should hold immutable named tuples
        object.__setattr__(self, "reasons", tuple(Reason(*r) for r in self.reasons))
        object.__setattr__(self, "timeline", tuple(TimelineEntry(*t) for t in self.timeline))

    @property
    def reason_list(self) -> tuple[Reason, ...]:
        return tuple(Reason(*r) for r in self.reasons)

    @property
    def timeline_list(self) -> tuple[TimelineEntry, ...]:
        return tuple(TimelineEntry(*t) for t in self.timeline)

    @property
    def grade(self) -> str:
        return f"{self.fit_grade}{self.engagement_level}"


@dataclass(frozen=True)
class LeadMatch:
    """One hit of a `/lead` search."""

    lead_id: int
    name: str
    email: str
    company: str | None
    score: float
    grade: str
    status: str


@dataclass(frozen=True)
class BantAnswers:
    """What the SDR recorded in the promote modal (option values, see `modals.BANT`)."""

    budget: str
    authority: str
    need: str
    timing: str
    notes: str | None = None
    ae_slack_id: str | None = None


def _evidence(line: BreakdownLine) -> str:
    ev = line.evidence
    if line.dimension == "fit":
        return f"{ev.get('field', '?')}: {ev.get('value', '?')}"
    parts = [f"{ev.get('count', '?')}× {ev.get('event', '?')}"]
    if ev.get("window_days"):
        parts.append(f"in {ev['window_days']} days")
    if ev.get("last"):
        parts.append(f"last {str(ev['last'])[:10]}")
    if ev.get("capped"):
        parts.append("capped")
    elif line.points != line.nominal:
        parts.append(f"decayed from {_number(line.nominal)}")
    return ", ".join(parts)


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def reasons_from_breakdown(lines: Iterable[BreakdownLine | dict[str, Any]]) -> tuple[Reason, ...]:
    """The breakdown as reasons, biggest effect first (a stored breakdown's dicts work too)."""
    parsed = [ln if isinstance(ln, BreakdownLine) else BreakdownLine.from_dict(ln) for ln in lines]
    parsed.sort(key=lambda ln: -abs(ln.points))
    return tuple(Reason(ln.label, ln.points, _evidence(ln)) for ln in parsed)
