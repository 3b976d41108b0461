"""When a stale MQL leaves the pipeline (seed 000, Fehler 3), without flapping at the threshold.

A lead becomes an MQL at the threshold; it expires only once it is well below: its score, fit
or engagement under its bar by more than `margin` points, for `grace` seconds in a row. A score
hovering around the threshold therefore stays an MQL, and one that expired comes back only with
new engagement worth more than the margin. A fast-track hold still running keeps it (the score
says so); the grace counts from the moment the hold and the last event are both behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from scoring.engine import score, to_epoch
from scoring.model import ScoringModel, Thresholds
from scoring.scores import Score
from scoring.state import LeadState


@dataclass(frozen=True)
class Expiry:
    margin: float = 0.0  # points under the bar before an MQL counts as below it
    grace_seconds: float = 0.0  # how long it must have been below before it expires


def below(sc: Score, th: Thresholds, margin: float) -> bool:
    """Neither within a fast-track hold nor within `margin` points of all three bars."""
    if sc.fast_track is not None:
        return False
    return (
        sc.total < th.mql - margin
        or sc.fit < th.min_fit - margin
        or sc.engagement < th.min_engagement - margin
    )


def is_stale(
    expiry: Expiry,
    model: ScoringModel,
    facts: Mapping[str, Any],
    state: LeadState,
    sc: Score,
) -> bool:
    """Whether the MQL scored `sc` expires now. Without new events a score only falls (and a
    hold only runs out), so being below the bar `grace` ago, with no event since, means being
    below it for the whole grace."""
    th = model.thresholds
    if not below(sc, th, expiry.margin):
        return False
    if expiry.grace_seconds <= 0:
        return True
    then = sc.computed_at - timedelta(seconds=expiry.grace_seconds)
    if state.last_event is not None and to_epoch(then) < state.last_event:
        return False  # an event within the grace: it has not been below that long
    return below(score(model, facts, state, then), th, expiry.margin)
