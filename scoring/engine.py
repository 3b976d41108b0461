"""Scoring: fit from attributes, engagement from the decayed rule states, and the breakdown.

Pure functions; the caller passes `now`. Every breakdown line is rounded to whole points (half
away from zero) and the totals are the sums of the rounded lines. Sums of whole numbers are exact
in floating point, so the breakdown always adds up to the score shown and fit + engagement is
exactly the total, whatever the order of addition.

The score and its lines are defined in `scoring.scores`, the facts of a lead in `scoring.facts`;
this module names them too, as the one place callers take scoring from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from scoring.facts import STANDARD_FIELDS, lead_facts
from scoring.model import EngagementRule, ScoringModel
from scoring.rounding import line_changes, round_points
from scoring.scores import BreakdownLine, Score
from scoring.state import (
    B_ACC,
    B_COUNT,
    B_DAY,
    B_FIRST,
    B_REF,
    DAY,
    LeadState,
    RuleState,
    decay_factor,
)

__all__ = [
    "STANDARD_FIELDS",
    "BreakdownLine",
    "Event",
    "Score",
    "apply_event",
    "engagement_lines",
    "fit_lines",
    "fold_event",
    "from_epoch",
    "lead_facts",
    "round_points",
    "score",
    "score_events",
    "to_epoch",
]


class Rules(Protocol):
    """The part of a model `engagement_lines` reads."""

    @property
    def engagement_rules(self) -> Sequence[EngagementRule]: ...


class _Only:
    """Some of a model's rules (those one event matched), as `engagement_lines` reads them."""

    __slots__ = ("engagement_rules",)

    def __init__(self, rules: list[EngagementRule]) -> None:
        self.engagement_rules = rules


def to_epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def from_epoch(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


@dataclass(frozen=True)
class Event:
    type: str
    occurred_at: datetime
    properties: Mapping[str, Any] = field(default_factory=dict)


def fit_lines(model: ScoringModel, facts: Mapping[str, Any]) -> list[BreakdownLine]:
    best: dict[str, BreakdownLine] = {}
    lines: list[BreakdownLine] = []
    memo = model.fit_memo
    for index, rule in enumerate(model.fit_rules):
        value = facts.get(rule.condition.field.casefold())
        try:
            # the same titles, sizes and industries recur across thousands of leads
            matched = memo[(index, value)]
        except KeyError:
            matched = memo[(index, value)] = rule.condition.matches(value)
        except TypeError:  # an unhashable value (a list attribute)
            matched = rule.condition.matches(value)
        if not matched:
            continue
        line = BreakdownLine(
            rule.id,
            "fit",
            rule.label,
            float(rule.points),
            float(rule.points),
            {"field": rule.condition.field, "value": value},
        )
        if rule.group is None:
            lines.append(line)
        elif rule.group not in best or line.points > best[rule.group].points:
            best[rule.group] = line
    if best:
        lines.extend(best.values())
        order = model.fit_order
        lines.sort(key=lambda ln: order[ln.rule_id])
    return lines


def apply_event(model: ScoringModel, state: LeadState, event: Event) -> list[str]:
    """Fold one event into the lead's state; return the ids of the rules it matched."""
    matched: list[str] = []
    fold_event(model, state, event.type, to_epoch(event.occurred_at), event.properties, matched)
    return matched


def fold_event(
    model: ScoringModel,
    state: LeadState,
    kind: str,
    t: float,
    properties: Mapping[str, Any],
    matched: list[str] | None = None,
) -> bool:
    """apply_event without the Event object: the bulk import folds a million of them.

    `last_positive` moves only when the event added points: the matched rules' lines at `t`
    are worth more after it than before (a visit below a count rule's threshold, a line at its
    cap, or a careers-page view add nothing), or it raised a hand, judged over the events in
    time order. True: it came before an event of a rule whose judgement depends on what came
    before, so `last_positive` is right once the caller folds the lead's events again in order."""
    props = properties
    if any(isinstance(k, str) and k != k.casefold() for k in props):
        props = {str(k).casefold(): v for k, v in props.items()}
    hits = [
        rule
        for rule in model.rules_for_event(kind)
        if all(cond.matches(props.get(cond.field.casefold())) for cond in rule.where)
    ]
    positive = any(rule.points > 0 for rule in hits)
    # a plain rule's line grows by its points with each event; only caps, count thresholds
    # and negative rules need the lines compared
    compare = positive and not all(rule.always_adds for rule in hits)
    before = _total(engagement_lines(_Only(hits), state, t)) if compare else 0.0
    rules = state.rules
    late = any(not r.always_adds and r.id in rules and t < rules[r.id].last for r in hits)
    for rule in hits:
        rs = state.rules.get(rule.id)
        if rs is None:
            rs = state.rules[rule.id] = RuleState()
        rs.add(rule, t)
        if matched is not None:
            matched.append(rule.id)
    if compare:
        positive = _total(engagement_lines(_Only(hits), state, t)) > before
    if kind in model.fast_track.events:
        positive = True
        # the latest hand-raiser; on a tie the type decides, so the order of arrival does not
        if state.fast_track is None or (t, kind) > state.fast_track:
            state.fast_track = (t, kind)
    if state.last_event is None or t > state.last_event:
        state.last_event = t
    if positive and (state.last_positive is None or t > state.last_positive):
        state.last_positive = t
    return late


# long: the inner loop of every rescore (rules × leads); one flat body keeps the locals local and
# spends no call per rule, which a helper per rule kind would
def engagement_lines(
    model: Rules, state: LeadState, now: float, horizon: list[float] | None = None
) -> list[BreakdownLine]:
    """The engagement lines at `now`; `horizon[0]` is lowered to the next time one can change."""
    lines = []
    for rule in model.engagement_rules:
        rs = state.rules.get(rule.id)
        if rs is None or rs.n == 0:
            continue
        hl = rule.decay_seconds
        first, last = rs.first, rs.last
        first_day = None  # the oldest day still inside a window
        if rs.days is not None:
            buckets = rs.in_window(rule, now)
            if not buckets:
                continue
            # buckets are in day order: the earliest event is in the first, the latest in the last
            first, last = buckets[0][B_FIRST], buckets[-1][B_REF]
            if rule.window_days > 0:
                first_day = buckets[0][B_DAY]
        if rule.is_threshold:
            count = len(buckets) if rule.distinct_days else sum(b[B_COUNT] for b in buckets)
            if count < rule.min_count:
                continue
            nominal = float(rule.points)
            # the points fade from the latest matching event inside the window
            raw = nominal * decay_factor(now - last, hl)
        elif rs.days is not None:
            count = 0
            raw = 0.0
            for b in buckets:
                count += b[B_COUNT]
                raw += b[B_ACC] * decay_factor(now - b[B_REF], hl)
            nominal = float(rule.points * count)
        else:
            count = rs.n
            raw = rs.acc * decay_factor(now - rs.ref, hl)
            nominal = float(rule.points * count)
        uncapped = raw
        capped = False
        if rule.cap is not None:
            nominal = max(-rule.cap, min(rule.cap, nominal))
            if abs(raw) > rule.cap:
                raw, capped = (rule.cap if raw > 0 else -rule.cap), True
        points = round_points(raw)
        if points == 0:
            continue  # magnitudes only shrink without events: a line at 0 stays at 0
        if horizon is not None:
            horizon[0] = min(horizon[0], line_changes(rule, uncapped, points, now, first_day))
        evidence: dict[str, Any] = {
            "event": rule.event,
            "count": count,
            "first": _when(first),
            "last": _when(last),
        }
        if rule.window_days:
            evidence["window_days"] = rule.window_days
        if capped:
            evidence["capped"] = True
        lines.append(BreakdownLine(rule.id, "engagement", rule.label, points, nominal, evidence))
    return lines


def _when(t: float) -> datetime:
    # a time, not its ISO text: every writer of a breakdown is orjson, which writes it as the
    # same text in C, where isoformat() cost a twelfth of scoring a due lead
    return datetime.fromtimestamp(t, UTC)


def _total(lines: Iterable[BreakdownLine]) -> float:
    return float(sum(line.points for line in lines))


def score(model: ScoringModel, facts: Mapping[str, Any], state: LeadState, now: datetime) -> Score:
    t_now = to_epoch(now)
    fit = fit_lines(model, facts)
    horizon = [math.inf]
    eng = engagement_lines(model, state, t_now, horizon)
    fit_total, eng_total = _total(fit), _total(eng)
    total = fit_total + eng_total  # exact: all three are whole numbers
    th = model.thresholds
    qualifies = total >= th.mql and fit_total >= th.min_fit and eng_total >= th.min_engagement
    band = "mql" if qualifies else ("nurture" if total >= th.nurture_min else "cold")
    fast = None
    if state.fast_track is not None:
        ft_time, ft_type = state.fast_track
        if t_now - ft_time <= model.fast_track.hold_days * DAY:
            fast = (from_epoch(ft_time), ft_type)
            horizon[0] = min(horizon[0], ft_time + model.fast_track.hold_days * DAY)
    return Score(
        total,
        fit_total,
        eng_total,
        model.grades.fit_grade(fit_total),
        model.grades.engagement_level(eng_total),
        qualifies,
        band,
        fast,
        (*fit, *eng),
        now if now.tzinfo else now.replace(tzinfo=UTC),
        from_epoch(horizon[0]) if math.isfinite(horizon[0]) else None,
    )


def score_events(
    model: ScoringModel,
    facts: Mapping[str, Any],
    events: Iterable[Event],
    now: datetime,
    state: LeadState | None = None,
) -> tuple[Score, LeadState]:
    """Score a lead from its events (used when rebuilding after a model change, and in tests)."""
    state = state or LeadState()
    for event in sorted(events, key=lambda e: to_epoch(e.occurred_at)):
        apply_event(model, state, event)
    return score(model, facts, state, now), state
