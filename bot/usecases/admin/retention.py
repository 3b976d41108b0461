"""Retention: how long sent outbox rows and ingest delivery ids are kept (`sdrbot db prune`).

Both tables grow with every message and every identify call, and neither is needed for long:

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
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from storage.repositories import retention as repo
from storage.repositories.retention import Pruned

OUTBOX_AGE = timedelta(days=30)
INGEST_AGE = timedelta(days=7)
KEEP_NEWEST_SENT = 500  # the sent rows ChannelIds reads after a restart (its LOOKBACK)
DOCTOR_THRESHOLD = 100_000  # prunable rows before `sdrbot doctor` suggests a prune

__all__ = ["DOCTOR_THRESHOLD", "INGEST_AGE", "KEEP_NEWEST_SENT", "OUTBOX_AGE", "Pruned", "prune"]


def prune(
    *, session: Session, now: datetime, older_than: timedelta | None = None, dry_run: bool = False
) -> Pruned:
    """Delete (or with `dry_run` count) sent outbox rows and delivery ids past their age.

    `older_than` is one age for both tables, as an operator who names one means it; without it
    each table has its own (OUTBOX_AGE, INGEST_AGE). Commits after every batch.
    """
    outbox_before = now - (older_than or OUTBOX_AGE)
    ingest_before = now - (older_than or INGEST_AGE)
    run = repo.count_prunable if dry_run else repo.prune
    return run(
        session=session,
        outbox_before=outbox_before,
        ingest_before=ingest_before,
        keep_newest_sent=KEEP_NEWEST_SENT,
    )
