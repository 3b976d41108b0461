"""The pending recalibration proposal, if there is one, as the digest mentions it: its headline
in numbers and where it was posted, so the digest links to it (issue 13, criterion 2); and the
week's exploration sample, apart from the funnel (its leads were never MQLs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage.repositories import exploration, proposals


def pending_proposal(session: Session) -> dict[str, Any] | None:
    row = proposals.latest_pending(session)
    if row is None:
        return None
    ev = row.evidence
    return {
        "id": row.id,
        "decisions": ev.get("decisions", 0),
        "changed": sum(1 for r in ev.get("rules", []) if r["old"] != r["new"]),
        "added": len(ev.get("new_rules", [])),
        "old": ev.get("threshold", {}).get("old"),
        "new": ev.get("threshold", {}).get("new"),
        "channel": row.slack_channel,
        "ts": row.slack_ts,
    }


def exploration_week(session: Session, start: datetime, end: datetime) -> dict[str, int] | None:
    """Leads shown under the MQL line and the answers of the week; None for a week without."""
    counts = exploration.week_counts(session, start, end)
    if not any(counts.values()):
        return None
    answers = ("promote", "recycle", "disqualify")
    return {
        "shown": counts.get("shown", 0),
        "answered": sum(counts.get(a, 0) for a in answers),
        **{a: counts.get(a, 0) for a in answers},
    }


def link(proposal: dict[str, Any]) -> str | None:
    """Slack's address of the posted proposal (it opens the message in its channel)."""
    if not proposal.get("channel") or not proposal.get("ts"):
        return None
    return (
        f"https://slack.com/archives/{proposal['channel']}/p{str(proposal['ts']).replace('.', '')}"
    )
