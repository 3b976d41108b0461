"""How long an SDR took to act on an alert: from the alert's time to their first claim or
decision on that MQL (App Home's "median time to first action this week"; the weekly digest
times the team the same way, a round's first action being anyone's).

An MQL round starts when the lead became an MQL (a lead with no recorded entry: at each of its
alerts); the alert's time is that round's first alert posted before the action, or the round's
start when Slack never showed one (a flood summary, Slack down). Only the SDR's own first
action in a round counts, and only when it falls in the week: a lead claimed last week and
decided today was acted on last week.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, datetime

from storage.repositories.claims import Acted


def first_action_waits(
    acted: Acted, *, since: datetime, until: datetime | None = None
) -> list[float]:
    """Seconds from each round's alert to the first action in it, for the firsts in
    [since, until)."""
    waits: list[float] = []
    since = _utc(since)
    end = None if until is None else _utc(until)
    for lead_id, actions in acted.actions.items():
        alerts = sorted(_utc(a) for a in acted.alerts.get(lead_id, ()))
        starts = sorted(_utc(a) for a in acted.mql_since.get(lead_id, ())) or alerts
        firsts: dict[datetime, datetime] = {}
        for at in sorted(_utc(a) for a in actions):
            i = bisect_right(starts, at)
            if i:  # an action before any known start has nothing to be timed from
                firsts.setdefault(starts[i - 1], at)
        for start, first in firsts.items():
            if first < since or (end is not None and first >= end):
                continue
            shown = next((a for a in alerts if start <= a <= first), start)
            waits.append((first - shown).total_seconds())
    return waits


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
