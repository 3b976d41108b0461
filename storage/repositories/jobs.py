"""The scheduler's lease (table job_lease) and the record of every job run (table job_run).

Both work by one conditional statement each, so they hold on PostgreSQL across machines and on
SQLite across the processes of one machine: the lease is taken by an UPDATE whose WHERE says
"mine already, or expired", a period by an INSERT that the unique (job, period) lets through
once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.tables.handles import JOB_LEASE, JOB_RUN


@dataclass(frozen=True)
class LeaseRow:
    holder: str
    acquired_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class RunRow:
    job: str
    period: str
    holder: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    runs: int
    summary: str


# a run as RunRow holds it, in its field order
_RUN_COLUMNS = (
    JOB_RUN.c.job,
    JOB_RUN.c.period,
    JOB_RUN.c.holder,
    JOB_RUN.c.started_at,
    JOB_RUN.c.finished_at,
    JOB_RUN.c.status,
    JOB_RUN.c.runs,
    JOB_RUN.c.summary,
)


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def take_lease(session: Session, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease for `ttl`; False while another holder's lease runs."""
    ins = _insert(session)(JOB_LEASE).values(
        name=name, holder=holder, acquired_at=now, expires_at=now + ttl
    )
    created = session.execute(
        ins.on_conflict_do_nothing(index_elements=["name"]).returning(JOB_LEASE.c.name)
    ).first()
    if created is not None:
        return True
    mine = JOB_LEASE.c.holder == holder
    taken = session.execute(
        update(JOB_LEASE)
        .where(JOB_LEASE.c.name == name, mine | (JOB_LEASE.c.expires_at <= now))
        # a renewal keeps the moment the lease was taken; a takeover starts a new one
        .values(
            holder=holder,
            expires_at=now + ttl,
            acquired_at=case((mine, JOB_LEASE.c.acquired_at), else_=now),
        )
        .returning(JOB_LEASE.c.name)
    ).first()
    return taken is not None


def release_lease(session: Session, name: str, holder: str) -> None:
    """Give the lease up at once (a clean stop), if this holder still has it."""
    session.execute(delete(JOB_LEASE).where(JOB_LEASE.c.name == name, JOB_LEASE.c.holder == holder))


def lease(session: Session, name: str) -> LeaseRow | None:
    row = session.execute(
        select(JOB_LEASE.c.holder, JOB_LEASE.c.acquired_at, JOB_LEASE.c.expires_at).where(
            JOB_LEASE.c.name == name
        )
    ).first()
    return LeaseRow(*row) if row is not None else None


def claim_run(
    session: Session,
    job: str,
    period: str,
    holder: str,
    *,
    now: datetime,
    again: bool,
    stale_before: datetime | None = None,
) -> bool:
    """Record that `holder` runs `job` for `period` now; False if it ran (or runs) already.

    A failed run may be run again, and so may any with `again` (a forced run), and one still
    `running` that started before `stale_before` (its process died). Of two
    concurrent claims the second waits for the first transaction and then finds its row.
    """
    ins = _insert(session)(JOB_RUN).values(
        job=job,
        period=period,
        holder=holder,
        started_at=now,
        status="running",
        runs=1,
        summary="",
    )
    stmt = ins.on_conflict_do_nothing(index_elements=["job", "period"]).returning(JOB_RUN.c.id)
    if session.execute(stmt).first() is not None:
        return True
    retry = true() if again else JOB_RUN.c.status == "failed"
    if stale_before is not None and not again:
        retry = retry | ((JOB_RUN.c.status == "running") & (JOB_RUN.c.started_at < stale_before))
    return (
        session.execute(
            update(JOB_RUN)
            .where(JOB_RUN.c.job == job, JOB_RUN.c.period == period, retry)
            .values(
                holder=holder,
                started_at=now,
                finished_at=None,
                status="running",
                runs=JOB_RUN.c.runs + 1,
            )
            .returning(JOB_RUN.c.id)
        ).first()
        is not None
    )


def finish_run(
    session: Session,
    job: str,
    period: str,
    *,
    now: datetime,
    status: str,
    summary: str,
    holder: str | None = None,
) -> None:
    mine = true() if holder is None else JOB_RUN.c.holder == holder
    session.execute(
        update(JOB_RUN)
        .where(JOB_RUN.c.job == job, JOB_RUN.c.period == period, mine)
        .values(finished_at=now, status=status, summary=summary[:500])
    )


def record_failure(
    session: Session, job: str, period: str, holder: str, *, now: datetime, summary: str
) -> None:
    """Keep a failed run (its work rolled back) so that `sdrbot jobs` shows why, and a retry
    may run it again."""
    claim_run(session, job, period, holder, now=now, again=False)
    # only this holder's run: a failure to claim must not mark another's run failed
    finish_run(session, job, period, now=now, status="failed", summary=summary, holder=holder)


def last_runs(session: Session) -> dict[str, RunRow]:
    """Each job's most recent run."""
    latest = (
        select(JOB_RUN.c.job, func.max(JOB_RUN.c.started_at).label("at"))
        .group_by(JOB_RUN.c.job)
        .subquery()
    )
    rows = session.execute(
        select(*_RUN_COLUMNS).join(
            latest, (latest.c.job == JOB_RUN.c.job) & (latest.c.at == JOB_RUN.c.started_at)
        )
    ).all()
    return {r.job: RunRow(*r) for r in rows}


def run_of(session: Session, job: str, period: str) -> RunRow | None:
    row = session.execute(
        select(*_RUN_COLUMNS).where(JOB_RUN.c.job == job, JOB_RUN.c.period == period)
    ).first()
    return RunRow(*row) if row is not None else None


def forget_runs(session: Session, job: str, *, started_before: datetime) -> int:
    """Delete this job's run records started before the moment (a frequent job's old slots)."""
    result = session.execute(
        delete(JOB_RUN).where(JOB_RUN.c.job == job, JOB_RUN.c.started_at < started_before)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
