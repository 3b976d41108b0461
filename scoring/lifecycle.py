"""The lead lifecycle of SPEC §2 as a state machine: which transitions exist and when they happen.

`lead → mql → sql`, side exits `mql → recycled → mql` (only with new engagement after the recycle)
and `mql → disqualified`; a stale MQL expires to `nurturing` ("einmal MQL = immer MQL" is a
mistake); CRM outcomes move `sql → opportunity → won | lost`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from scoring.engine import Score, to_epoch


class Status(StrEnum):
    LEAD = "lead"
    MQL = "mql"
    SQL = "sql"
    RECYCLED = "recycled"
    NURTURING = "nurturing"
    DISQUALIFIED = "disqualified"
    OPPORTUNITY = "opportunity"
    WON = "won"
    LOST = "lost"


class Decision(StrEnum):
    PROMOTE = "promote"
    RECYCLE = "recycle"
    DISQUALIFY = "disqualify"


S = Status
ALLOWED: dict[Status, frozenset[Status]] = {
    S.LEAD: frozenset({S.MQL, S.DISQUALIFIED, S.SQL, S.OPPORTUNITY, S.WON, S.LOST}),
    S.NURTURING: frozenset({S.MQL, S.DISQUALIFIED, S.SQL, S.OPPORTUNITY, S.WON, S.LOST}),
    S.MQL: frozenset(
        {S.SQL, S.RECYCLED, S.DISQUALIFIED, S.NURTURING, S.OPPORTUNITY, S.WON, S.LOST}
    ),
    S.RECYCLED: frozenset({S.MQL, S.DISQUALIFIED, S.SQL, S.OPPORTUNITY, S.WON, S.LOST}),
    S.SQL: frozenset({S.OPPORTUNITY, S.WON, S.LOST, S.RECYCLED, S.DISQUALIFIED}),
    S.OPPORTUNITY: frozenset({S.WON, S.LOST}),
    S.DISQUALIFIED: frozenset({S.LEAD, S.OPPORTUNITY, S.WON, S.LOST}),  # reopen, or CRM says so
    S.WON: frozenset(),
    S.LOST: frozenset({S.LEAD, S.RECYCLED}),
}
DECISION_TARGET = {
    Decision.PROMOTE: S.SQL,
    Decision.RECYCLE: S.RECYCLED,
    Decision.DISQUALIFY: S.DISQUALIFIED,
}
OPEN_FOR_SCORING = frozenset({S.LEAD, S.NURTURING, S.RECYCLED})


class TransitionError(ValueError):
    pass


@dataclass(frozen=True)
class Transition:
    from_status: Status
    to_status: Status
    cause: str  # "score", "fast_track", "re_mql", "expired", "decision:promote", "crm:won", ...
    at: datetime


def can_transition(a: Status, b: Status) -> bool:
    return b in ALLOWED[a]


def require(a: Status, b: Status) -> None:
    if not can_transition(a, b):
        allowed = ", ".join(sorted(ALLOWED[a])) or "none (it is final)"
        raise TransitionError(
            f"a lead in status '{a}' cannot move to '{b}'; from '{a}' it can move to: {allowed}"
        )


def decide(status: Status, decision: Decision, at: datetime) -> Transition:
    """An SDR's decision on an MQL."""
    choices = ", ".join(d.value for d in Decision)
    try:
        decision = Decision(decision)
    except ValueError:
        raise TransitionError(
            f"unknown decision {decision!r}; the decisions are: {choices}"
        ) from None
    if status != S.MQL:
        raise TransitionError(
            f"only an MQL can be decided on ({choices}); this lead is "
            f"'{status}', from which it can move to: "
            f"{', '.join(sorted(ALLOWED[Status(status)])) or 'nothing'}"
        )
    target = DECISION_TARGET[decision]
    return Transition(S.MQL, target, f"decision:{decision.value}", at)


def evaluate(
    status: Status,
    score: Score,
    *,
    status_since: datetime | None,
    last_positive: float | None,
    fast_track_at: float | None,
    stale: bool = False,
) -> Transition | None:
    """The automatic transition a fresh score calls for, if any.

    `status_since` is when the lead entered its status; `last_positive` the time of its latest
    event that added points or raised a hand; `fast_track_at` the time of its latest hand-raiser;
    `stale` whether an MQL has been below its bars long enough to expire (scoring/expiry.py: only
    the daily expiry, a rescore and a model change ask). A nurturing lead was an MQL before
    (it expired), so qualifying again makes it a re-MQL.
    """
    now = score.computed_at
    if status in (S.LEAD, S.NURTURING):
        again = "re_mql:" if status == S.NURTURING else ""
        if score.qualifies:
            return Transition(status, S.MQL, "re_mql" if again else "score", now)
        if score.fast_track is not None:
            return Transition(status, S.MQL, f"{again}fast_track", now)
        return None
    if status == S.RECYCLED:
        since = to_epoch(status_since) if status_since else None
        fresh = last_positive is not None and (since is None or last_positive > since)
        if not fresh:
            return None
        if (
            score.fast_track is not None
            and fast_track_at is not None
            and (since is None or fast_track_at > since)
        ):
            return Transition(status, S.MQL, "re_mql:fast_track", now)
        if score.qualifies:
            return Transition(status, S.MQL, "re_mql", now)
        return None
    if status == S.MQL and stale:
        return Transition(status, S.NURTURING, "expired", now)
    return None
