from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class JobLease(SQLModel, table=True):
    """Which process runs the scheduled jobs: one row per lease, renewed by its holder.

    A holder that dies stops renewing; once `expires_at` has passed any other process may take
    the row over with a conditional UPDATE, so at most one holds it at a time.
    """

    __tablename__ = "job_lease"

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=200)
    acquired_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class JobRun(SQLModel, table=True):
    """One run of a scheduled job for one period (a week, a day, a slot of minutes).

    The unique (job, period) is what makes a period run once: whoever inserts the row runs the
    job, in the same transaction, and every other process, restart or manual run finds it.
    """

    __tablename__ = "job_run"
    __table_args__ = (Index("ux_job_run_job_period", "job", "period", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=40)
    period: str = Field(max_length=40)
    holder: str = Field(max_length=200)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    status: str = Field(max_length=20)  # done | failed
    runs: int = 1  # how often this period ran: more than one only when forced or retried
    summary: str = Field(default="", max_length=500)
