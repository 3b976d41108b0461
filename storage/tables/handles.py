"""The tables as SQLAlchemy Core handles, for the repositories' set-at-a-time statements.

Only storage/ uses them: the rest of the bot asks the repositories, which say what they answer.
"""

from __future__ import annotations

from sqlalchemy import Table

from storage.tables import (
    ApiKey,
    Decision,
    Event,
    IngestMessage,
    JobLease,
    JobRun,
    Lead,
    LeadAlias,
    LeadScore,
    LifecycleTransition,
    OutboxMessage,
    RejectedCall,
    ScoreSnapshot,
    SdrRep,
    SlackAlert,
    Webhook,
)

LEAD: Table = Lead.__table__  # type: ignore[attr-defined]
EVENT: Table = Event.__table__  # type: ignore[attr-defined]
SCORE: Table = LeadScore.__table__  # type: ignore[attr-defined]
TRANSITION: Table = LifecycleTransition.__table__  # type: ignore[attr-defined]
SNAPSHOT: Table = ScoreSnapshot.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
ALERT: Table = SlackAlert.__table__  # type: ignore[attr-defined]
ALIAS: Table = LeadAlias.__table__  # type: ignore[attr-defined]
MESSAGE: Table = IngestMessage.__table__  # type: ignore[attr-defined]
REJECTED: Table = RejectedCall.__table__  # type: ignore[attr-defined]
API_KEY: Table = ApiKey.__table__  # type: ignore[attr-defined]
WEBHOOK: Table = Webhook.__table__  # type: ignore[attr-defined]
REP: Table = SdrRep.__table__  # type: ignore[attr-defined]
DECISION: Table = Decision.__table__  # type: ignore[attr-defined]
JOB_LEASE: Table = JobLease.__table__  # type: ignore[attr-defined]
JOB_RUN: Table = JobRun.__table__  # type: ignore[attr-defined]
