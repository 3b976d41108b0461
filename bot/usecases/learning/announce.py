"""The MQLs a model change made: their alerts, or one summary when there are too many.

The rescore of an approval holds the alerts of its new MQLs (their transitions say so); this
then queues an alert each when they are few, or one summary message to the alert channel when
there are more than `[learning] flood_limit`. A lead announced only in the summary has no alert
of its own, and the recorder queues no alert update or thread note for it later
(storage/repositories/held_alerts.py answers which leads those are).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.outbox.learning_messages import MqlSummary
from bot.outbox.messages import AlertQueued, Message
from bot.outbox.queue import queue
from bot.settings import Settings
from storage.repositories import held_alerts

NAMED = 10  # leads the summary names; the rest are counted


def announce_mqls(
    session: Session, settings: Settings, proposal_id: int, *, actor: str, now: datetime
) -> tuple[int, bool]:
    """(new MQLs, whether they went into one summary)."""
    held = held_alerts.held_by(session, actor)
    if not held:
        return 0, False
    messages: list[Message]
    if len(held) <= settings.learning.flood_limit:
        messages = [
            AlertQueued(lead, at, "score", (d or {}).get("score", 0), (d or {}).get("grade", ""))
            for lead, at, d in held
        ]
        queue(session, messages, now=now)
        return len(held), False
    ids = tuple(lead for lead, _, _ in held[:NAMED])
    summary = MqlSummary(proposal_id, settings.alert_channel, len(held), ids, settings.locale)
    queue(session, [summary], now=now)
    return len(held), True
