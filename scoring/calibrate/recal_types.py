"""What recalibration from SDR decisions takes and gives: decided leads as they were when they
were decided, the current leads, the method's settings, and the revision it proposes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoring.calibrate.candidates import Candidate
from scoring.engine import Event
from scoring.model import Labels


@dataclass(frozen=True)
class Decided:
    """One labelled lead: promote (or a won/opportunity CRM outcome) is positive.

    `units` holds, per rule of the current model, how much of it the lead had when it was
    decided: 1 for a fit rule that held, the points seen / the rule's points for engagement
    (decay and caps included). `facts` and `events` feed the candidate rules; the events end
    at `at`, the moment the label was known."""

    units: Mapping[str, float]
    facts: Mapping[str, Any]
    events: tuple[Event, ...]
    label: bool
    weight: float  # a recycle counts as a negative of this weight
    at: datetime


@dataclass(frozen=True)
class Current:
    """A lead as it is now: where it would stand under the revision. Current leads are given
    newest first: the newest of them stand for the MQLs of the weeks to come."""

    units: Mapping[str, float]
    facts: Mapping[str, Any]
    events: tuple[Event, ...]
    at: datetime
    open: bool  # may become an MQL (lead, nurturing, recycled)


@dataclass(frozen=True)
class RecalOptions:
    target_rate: float = 0.30  # the promote rate wanted among MQLs
    step: float = 0.5  # the least share of the way to the fitted points (more with evidence)
    prior_strength: float = 40.0  # the current points count as this many decisions
    min_decisions: int = 30
    min_each: int = 10  # positives and negatives each
    max_new_rules: int = 5
    per_attribute: int = 3  # new rules of one attribute or event type per run, at most
    min_points: int = 3  # a new rule needs at least this many points (either sign)
    z: float = 2.0  # a new rule's weight must be this many standard errors from 0
    max_threshold_step: int = 20  # points the threshold moves at most per run
    max_volume_change: float = 0.25  # the share by which the leads that qualify grow per run
    max_volume_drop: float = 0.10  # ...and shrink: fewer MQLs are fewer decisions to learn from
    window_days: int = 180
    holdout: float = 0.25  # the latest share of decisions the backtest holds out


@dataclass(frozen=True)
class Rates:
    with_n: int
    with_rate: float
    without_n: int
    without_rate: float


@dataclass(frozen=True)
class RuleChange:
    id: str
    label: str
    dimension: str  # "fit" | "engagement"
    old: int
    new: int
    rates: Rates
    labels: Labels = ()  # `label` in other languages, as the model has them


@dataclass(frozen=True)
class NewRule:
    candidate: Candidate
    points: int
    rates: Rates


@dataclass(frozen=True)
class Revision:
    changes: list[RuleChange]
    new_rules: list[NewRule]
    threshold_old: int
    threshold_new: int
    threshold_aim: int  # where the fit puts the line for the target; the step goes towards it
    expected_rate: float  # expected promote rate above the new line, over the current leads
    decisions: int
    positives: int
    negatives: int
    # the minimums per dimension: lowered (by the step) while they, not the line, keep leads out
    min_fit: tuple[float, float] = (0, 0)  # old, new
    min_engagement: tuple[float, float] = (0, 0)


@dataclass(frozen=True)
class Line:
    """What qualifies a lead: the MQL line and the minimum points per dimension."""

    mql: float
    min_fit: float = 0
    min_engagement: float = 0


class NotEnough(ValueError):
    """Too few decisions to propose anything; the message says what is missing."""
