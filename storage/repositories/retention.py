"""Retention: deleting the outbox rows, delivery ids and rejected calls nothing will read again.

Deletes go in batches of `BATCH` rows, each its own statement and transaction, walking the
primary key upwards: a table of millions never holds one long transaction or lock, a running
bot keeps writing between batches, and each batch re-checks its conditions as it deletes.
Which rows may go is the caller's policy (bot/usecases/admin/retention.py); what is always kept:

* outbox rows that are not `sent`: pending and claimed rows are still to be delivered, failed
  ones may still be redelivered (`sdrbot webhook redeliver`);
* the newest `keep_newest_sent` sent rows, whatever their age;
* a sent `slack.alert` unless a later alert of the same lead is in `slack_alert`. The alert's
  channel and ts live in `slack_alert`, whose row is deleted with its outbox row (ON DELETE
  CASCADE), and a decision updates the lead's latest alert however old it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, and_, delete, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import NamedFromClause
from sqlmodel import Session

from storage.tables.handles import ALERT, MESSAGE, OUTBOX, REJECTED

BATCH = 10_000


@dataclass(frozen=True)
class Pruned:
    """Rows deleted (or, in a dry run, that would be) per table."""

    outbox: int = 0
    ingest_message: int = 0
    ingest_rejected: int = 0

    @property
    def total(self) -> int:
        return self.outbox + self.ingest_message + self.ingest_rejected


def _rejected_rule(
    table: NamedFromClause, *, replayed_before: datetime, rejected_before: datetime
) -> ColumnElement[bool]:
    """A rejected call that was replayed a while ago (stored since: nothing left to fix), or
    that nobody replayed for long (received before `rejected_before`)."""
    return or_(
        and_(table.c.replayed_at.is_not(None), table.c.replayed_at < replayed_before),
        table.c.received_at < rejected_before,
    )


def _outbox_rule(
    session: Session, table: NamedFromClause, *, before: datetime, keep_newest_sent: int
) -> ColumnElement[bool] | None:
    """The condition on `table` (the outbox or an alias of it) of a prunable row; None when
    nothing may go because there are no more than `keep_newest_sent` sent rows."""
    floor = session.scalar(
        select(OUTBOX.c.id)
        .where(OUTBOX.c.status == "sent")
        .order_by(OUTBOX.c.id.desc())
        .offset(keep_newest_sent)
        .limit(1)
    )
    if floor is None:
        return None
    mine, later = ALERT.alias("mine"), ALERT.alias("later")
    # "later" as latest_alert (storage/repositories/decisions.py) orders them
    superseded = exists().where(
        mine.c.outbox_id == table.c.id,
        later.c.lead_id == mine.c.lead_id,
        or_(
            later.c.posted_at > mine.c.posted_at,
            and_(later.c.posted_at == mine.c.posted_at, later.c.id > mine.c.id),
        ),
    )
    return and_(
        table.c.status == "sent",
        table.c.sent_at < before,
        table.c.id <= floor,
        or_(table.c.kind != "slack.alert", superseded),
    )


def count_prunable(
    *,
    session: Session,
    outbox_before: datetime,
    ingest_before: datetime,
    keep_newest_sent: int,
    replayed_before: datetime,
    rejected_before: datetime,
) -> Pruned:
    rule = _outbox_rule(session, OUTBOX, before=outbox_before, keep_newest_sent=keep_newest_sent)
    outbox = (
        0 if rule is None else session.scalar(select(func.count()).select_from(OUTBOX).where(rule))
    )
    ingest = session.scalar(
        select(func.count()).select_from(MESSAGE).where(MESSAGE.c.received_at < ingest_before)
    )
    rejected = session.scalar(
        select(func.count())
        .select_from(REJECTED)
        .where(
            _rejected_rule(
                REJECTED, replayed_before=replayed_before, rejected_before=rejected_before
            )
        )
    )
    return Pruned(int(outbox or 0), int(ingest or 0), int(rejected or 0))


def prune(
    *,
    session: Session,
    outbox_before: datetime,
    ingest_before: datetime,
    keep_newest_sent: int,
    replayed_before: datetime,
    rejected_before: datetime,
    batch: int | None = None,
) -> Pruned:
    """Delete what `count_prunable` counts, committing after every batch."""
    size = batch or BATCH
    o, m = OUTBOX.alias("o"), MESSAGE.alias("m")
    rule = _outbox_rule(session, o, before=outbox_before, keep_newest_sent=keep_newest_sent)
    session.commit()  # the floor was read in a transaction of its own; no batch waits on it
    outbox = 0 if rule is None else _in_batches(session, OUTBOX, o, "id", rule, size)
    ingest = _in_batches(session, MESSAGE, m, "key", m.c.received_at < ingest_before, size)
    r = REJECTED.alias("r")
    old = _rejected_rule(r, replayed_before=replayed_before, rejected_before=rejected_before)
    rejected = _in_batches(session, REJECTED, r, "id", old, size)
    return Pruned(outbox, ingest, rejected)


def _in_batches(
    session: Session,
    table: Table,
    alias: NamedFromClause,
    key: str,
    rule: ColumnElement[bool],
    size: int,
) -> int:
    """DELETE ... WHERE key IN (the next `size` keys matching `rule`) until none is left.

    `rule` is written on `alias`, which the inner SELECT reads: a subquery on the DELETE's own
    table would be correlated to it and lose its FROM. The keys walk upwards from the last
    batch, so rows that are kept are passed over once, not in every batch.
    """
    done, after = 0, None
    while True:
        pick = select(alias.c[key]).where(rule)
        if after is not None:
            pick = pick.where(alias.c[key] > after)
        pick = pick.order_by(alias.c[key]).limit(size)
        gone = session.scalars(
            delete(table).where(table.c[key].in_(pick)).returning(table.c[key])
        ).all()
        session.commit()
        done += len(gone)
        if len(gone) < size:
            return done
        after = max(gone)
