"""What a thread note carries in its outbox payload (`ThreadNote.note`)."""

from __future__ import annotations

from typing import TypedDict


class Note(TypedDict, total=False):
    """What a thread note says: a claim, a decision or an expiry, by whom and when (ISO time)."""

    # a claim or decision, "expired"; or "took_over", "reassigned", "comment", "accepted",
    # "sent_back"
    outcome: str
    by: str  # Slack user id, or the actor for a CLI user
    at: str
    reason: str | None
    notes: str | None
    owner: str | None  # the owner after an ownership change; the SDR told of an AE's answer
    previous: str | None  # the owner before it
    # an expiry's: the language of the note, the score it left on and the bars it was judged
    # against (score, fit, engagement, threshold, min_fit, min_engagement, margin, grace_days)
    locale: str
    expiry: dict[str, float]
