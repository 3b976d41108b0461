"""What the Slack builders show, as plain values: no Slack, database or ORM types.

The use cases fill these from storage and the scoring engine; the builders turn them into Block
Kit. Keeping the two apart lets the builders be tested with any data, hostile data included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from bot.slack.blocks import human
from bot.words import say
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
    actor: str = ""  # who caused it ("slack:U1", "cli:root import:out.csv", "system")


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
    hand_raise_at: datetime | None = None  # when the fast-track event happened
    earlier: DecisionView | None = None  # a re-MQL's earlier decision
    earlier_link: str | None = None  # a re-MQL's earlier alert (a permalink)
    alert_link: str | None = None  # the /lead card's link to the lead's alert
    mql_since: datetime | None = None  # an open MQL's start, for its SLA marker
    sla: str | None = None  # "overdue" or "escalated" while an open MQL is late
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
    open_mql: bool = False
    exact: bool = False


def _evidence(line: BreakdownLine, locale: str) -> str:
    ev = line.evidence
    if line.dimension == "fit":
        field = human.field_name(locale, str(ev.get("field", "?")))
        return say(locale, "events.evidence.fit", field=field, value=ev.get("value", "?"))
    kind = str(ev.get("event", "?"))
    count = say(locale, "events.evidence.count", count=ev.get("count", "?"))
    first = f"{human.event_label(locale, kind)} {count}"
    if ev.get("window_days"):
        first += " " + say(locale, "events.evidence.window", days=ev["window_days"])
    parts = [first]
    if ev.get("last"):
        parts.append(say(locale, "events.evidence.last", date=str(ev["last"])[:10]))
    if ev.get("capped"):
        parts.append(say(locale, "events.evidence.capped"))
    elif line.points != line.nominal:
        parts.append(say(locale, "events.evidence.decayed", nominal=_number(line.nominal)))
    return ", ".join(parts)


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def reasons_from_breakdown(
    lines: Iterable[BreakdownLine | dict[str, Any]],
    locale: str = "en",
    labels: Mapping[str, str] | None = None,
) -> tuple[Reason, ...]:
    """The breakdown as reasons in words, biggest effect first (a stored breakdown's dicts
    work too). `labels` names each rule id in `locale` (`ScoringModel.rule_labels`); a line
    keeps its stored label where its rule is not named there."""
    parsed = [ln if isinstance(ln, BreakdownLine) else BreakdownLine.from_dict(ln) for ln in lines]
    parsed.sort(key=lambda ln: -abs(ln.points))
    named = labels or {}
    return tuple(
        Reason(named.get(ln.rule_id, ln.label), ln.points, _evidence(ln, locale)) for ln in parsed
    )
