"""Retention: how long sent outbox rows, ingest delivery ids and rejected API calls are kept
(`sdrbot db prune`).

The first two grow with every message and every identify call, and neither is needed for long:

* A sent outbox row is read again only in three ways, and pruning keeps each of them working.
  The webhook sender's order per lead and `sdrbot webhook redeliver` look at pending and failed
  rows only; failed rows are never pruned. Updates, thread notes and handovers find their
  alert in `slack_alert`, which goes with its outbox row (ON DELETE CASCADE): the alert a
  decision would update, the lead's latest, is kept at any age. And after a restart the Slack
  sender learns channel ids from the results of the newest sent rows
  (bot/slack/channels.py), so that many are kept at any age too.
* A sent row's dedupe key guards against queueing one cause twice, but every key names a
  transition or decision and is written once, in that cause's transaction: a month later
  nothing can queue it again.
* Ingest delivery ids only catch a retried identify; senders retry for hours, a few days at
  most, so a week is plenty.

Rejected API calls (`ingest_rejected`) are kept for a person to fix and replay. Once replayed,
the call is stored where it belongs and its copy is only history: a week later it goes. One
nobody replayed goes after 90 days, long after `sdrbot doctor` started warning about it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from storage.repositories import retention as repo
from storage.repositories.retention import Pruned

OUTBOX_AGE = timedelta(days=30)
INGEST_AGE = timedelta(days=7)
# a rejected API call replayed this long ago is stored as an event or lead: the copy can go
REPLAYED_AGE = timedelta(days=7)
# one nobody replayed in this long will not be: the sender has long moved on, and doctor warned
REJECTED_AGE = timedelta(days=90)
KEEP_NEWEST_SENT = 500  # the sent rows ChannelIds reads after a restart (its LOOKBACK)
DOCTOR_THRESHOLD = 100_000  # prunable rows before `sdrbot doctor` suggests a prune

__all__ = [
    "DOCTOR_THRESHOLD",
    "INGEST_AGE",
    "KEEP_NEWEST_SENT",
    "OUTBOX_AGE",
    "REJECTED_AGE",
    "REPLAYED_AGE",
    "Pruned",
    "prune",
]


def prune(
    *, session: Session, now: datetime, older_than: timedelta | None = None, dry_run: bool = False
) -> Pruned:
    """Delete (or with `dry_run` count) sent outbox rows, delivery ids and rejected calls
    (replayed, or never replayed for long) past their age.

    `older_than` is one age for all of them, as an operator who names one means it; without it
    each has its own (OUTBOX_AGE, INGEST_AGE, REPLAYED_AGE, REJECTED_AGE). Commits after every
    batch.
    """
    run = repo.count_prunable if dry_run else repo.prune
    return run(
        session=session,
        outbox_before=now - (older_than or OUTBOX_AGE),
        ingest_before=now - (older_than or INGEST_AGE),
        keep_newest_sent=KEEP_NEWEST_SENT,
        replayed_before=now - (older_than or REPLAYED_AGE),
        rejected_before=now - (older_than or REJECTED_AGE),
    )
