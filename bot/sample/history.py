"""The sample's past: the MQLs of the last weeks, what the SDRs decided, what the CRM says.

A lead became a past MQL a minute after the first of its events after which the default model
qualified it (or fast-tracked it), if that was within the history window; the SDRs decided it
some hours later, unless that would be in the last hour (those stay the open queue). The SDRs
judge by the hidden truth with some noise, and a promoted lead's CRM outcome follows whether
it truly converted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from bot.sample import activity
from bot.sample.draws import FloatArray, IntArray
from scoring.engine import Event, apply_event, score
from scoring.facts import STANDARD_FIELDS, lead_facts
from scoring.loader import default_model
from scoring.state import LeadState

DECISIONS_HEADER = ("email", "decision", "alerted_at", "decided_at", "reason", "decided_by")
OUTCOMES_HEADER = ("email", "stage", "timestamp", "amount")
SDRS = ("sdr.lena", "sdr.jonas", "sdr.marie")
RECYCLE = ("Bad timing", "No budget yet", "Not the decision maker", "No reply")
DISQUALIFY = ("Wrong ICP", "Wrong ICP", "Wrong ICP", "Competitor", "Spam")
# the chances of converting at which an SDR promotes, or may disqualify: about a third of the
# sample's MQLs are promoted, as in seed 000's MQL->SQL band
PROMOTE_AT, DISQUALIFY_BELOW = 0.18, 0.05
MAX_CANDIDATES = 5_000  # leads looked at: a large sample would otherwise spend minutes here
_SPARE = timedelta(hours=1)  # nothing of the history lies in the last hour before `now`


@dataclass
class History:
    decisions: list[tuple[Any, ...]] = field(default_factory=list)
    outcomes: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Leads:
    """What the history needs of the sample: per lead its row (by header), e-mail, truth."""

    header: Sequence[str]
    rows: Sequence[tuple[Any, ...]]
    emails: Sequence[str]
    propensity: FloatArray
    converted: np.ndarray[Any, np.dtype[np.bool_]]


def make_history(
    rng: np.random.Generator,
    leads: Leads,
    events: tuple[IntArray, IntArray, IntArray],
    *,
    now: datetime,
    weeks: int,
) -> History:
    """`events`: per event, sorted by time, its lead index, its row in `activity.EVENT_ROWS`
    and its moment in epoch seconds."""
    out = History()
    if weeks < 1:
        return out
    lead_of, row_of, stamps = events
    order = np.argsort(lead_of, kind="stable")  # each lead's events stay in time order
    bounds = np.searchsorted(lead_of[order], np.arange(len(leads.emails) + 1))
    start = now - timedelta(weeks=weeks)
    candidates = np.flatnonzero(np.diff(bounds) > 0)
    if candidates.size > MAX_CANDIDATES:
        candidates = np.sort(rng.choice(candidates, MAX_CANDIDATES, replace=False))
    model = default_model()
    for i in candidates.tolist():
        mine = order[bounds[i] : bounds[i + 1]]
        alerted = _alert_time(model, leads, i, row_of[mine], stamps[mine], start, now)
        if alerted is not None:
            _decide(rng, leads, i, alerted, now, out)
    out.decisions.sort(key=lambda r: r[3])
    out.outcomes.sort(key=lambda r: r[2])
    return out


def _facts(leads: Leads, i: int, model: Any) -> dict[str, Any]:
    values = {k: (None if v == "" else v) for k, v in zip(leads.header, leads.rows[i], strict=True)}
    custom = {k: v for k, v in values.items() if k not in STANDARD_FIELDS and v is not None}
    return lead_facts(values, custom, fields=model.fit_fields)


def _alert_time(
    model: Any,
    leads: Leads,
    i: int,
    rows: IntArray,
    stamps: IntArray,
    start: datetime,
    now: datetime,
) -> datetime | None:
    """When the lead was first alerted, if that was in the window."""
    facts, state = _facts(leads, i, model), LeadState()
    for row_index, stamp in zip(rows.tolist(), stamps.tolist(), strict=True):
        kind, *values = activity.EVENT_ROWS[row_index]
        at = datetime.fromtimestamp(stamp, UTC)
        props = {k: v for k, v in zip(activity.PROPERTY_COLUMNS, values, strict=True) if v}
        apply_event(model, state, Event(kind, at, props))
        moment = at + timedelta(minutes=1)
        if moment >= now - _SPARE:
            return None
        sc = score(model, facts, state, moment)
        if sc.qualifies or sc.fast_track is not None:
            # alerted before the window: an old MQL, not this history's
            return moment if start <= at else None
    return None


def _decide(
    rng: np.random.Generator, leads: Leads, i: int, alerted: datetime, now: datetime, out: History
) -> None:
    # most decisions within a working day, a few left for days
    decided = alerted + timedelta(hours=float(rng.lognormal(np.log(3.0), 1.0)))
    if decided > now - _SPARE:
        return
    truth = float(leads.propensity[i])
    seen = truth + rng.normal(0, 0.05)  # an SDR's call judges the truth, imperfectly
    email = leads.emails[i]
    if seen >= PROMOTE_AT:
        decision, reason = "promote", ""
        _outcomes(rng, email, bool(leads.converted[i]), decided, now, out)
    elif seen < DISQUALIFY_BELOW and rng.random() < 0.7:
        decision, reason = "disqualify", str(rng.choice(DISQUALIFY))
    else:
        decision, reason = "recycle", str(rng.choice(RECYCLE))
    out.decisions.append(
        (email, decision, _iso(alerted), _iso(decided), reason, str(rng.choice(SDRS)))
    )


def _outcomes(
    rng: np.random.Generator,
    email: str,
    converted: bool,
    decided: datetime,
    now: datetime,
    out: History,
) -> None:
    """A promoted lead's deal in the CRM: an opportunity some days later, then won or lost."""
    opened = decided + timedelta(days=float(rng.uniform(1, 7)))
    if opened > now - _SPARE:
        return
    amount = int(round(rng.lognormal(np.log(12_000), 0.6), -2))
    out.outcomes.append((email, "opportunity", _iso(opened), amount))
    closed = opened + timedelta(days=float(rng.uniform(5, 30)))
    if closed <= now - _SPARE:
        out.outcomes.append((email, "won" if converted else "lost", _iso(closed), amount))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
