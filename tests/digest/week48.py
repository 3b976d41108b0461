"""A week computed by hand: 2026-W48 (Monday 23 November to Sunday 29 November, Berlin).

100 new leads; 12 reach MQL for the first time and 2 more come back from recycling; 14 MQLs
leave the stage: 2 promoted, 5 recycled, 5 disqualified, 2 expired; 3 SQLs leave theirs: 2
become opportunities, 1 is disqualified; 3 opportunities close: 1 won, 2 lost. One more
transition lies just after the week (Monday 00:30 in Berlin, still Sunday in UTC), one in W47.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from storage.db import session_scope
from storage.tables import Decision, Lead, LifecycleTransition

TUESDAY = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday 08:00 in Berlin
SUNDAY_LATE = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)  # 23:30 in Berlin: still W48
MONDAY_EARLY = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # 00:30 in Berlin: W49

FLOWS = [  # (from, to, how many, when)
    ("lead", "mql", 11, TUESDAY),
    ("lead", "mql", 1, SUNDAY_LATE),
    ("recycled", "mql", 2, TUESDAY),
    ("mql", "sql", 2, TUESDAY),
    ("mql", "recycled", 5, TUESDAY),
    ("mql", "disqualified", 5, TUESDAY),
    ("mql", "nurturing", 2, TUESDAY),
    ("sql", "opportunity", 2, TUESDAY),
    ("sql", "disqualified", 1, TUESDAY),
    ("opportunity", "won", 1, TUESDAY),
    ("opportunity", "lost", 2, TUESDAY),
    ("lead", "mql", 1, MONDAY_EARLY),
    ("lead", "mql", 3, TUESDAY - timedelta(weeks=1)),
]
REASONS = [("recycle", "Bad timing", 3), ("recycle", "No reply", 2), ("disqualify", "Spam", 5)]


def build(engine: Engine) -> None:
    with session_scope(engine) as s:
        leads = []
        for i in range(100):
            source = "webinar" if i < 8 else "ads"
            lead = Lead(
                email=f"l{i}@example.com",
                source=source,
                attributes={"campaign": "Q4 launch" if i % 2 else "Retargeting"},
                status="lead",
                status_since=TUESDAY,
                created_at=TUESDAY,
                updated_at=TUESDAY,
            )
            s.add(lead)
            leads.append(lead)
        old = Lead(
            email="old@example.com",
            status="lead",
            status_since=TUESDAY,
            created_at=TUESDAY - timedelta(weeks=3),
            updated_at=TUESDAY,
        )
        s.add(old)
        # the open MQLs now: since 1, 3 and 10 days
        for days in (1, 3, 10):
            s.add(
                Lead(
                    email=f"open{days}@example.com",
                    status="mql",
                    status_since=NOW - timedelta(days=days),
                    created_at=TUESDAY - timedelta(weeks=8),
                    updated_at=TUESDAY,
                )
            )
        s.flush()
        n = 0
        for src, dst, count, at in FLOWS:
            for _ in range(count):
                s.add(
                    LifecycleTransition(
                        lead_id=leads[n % 100].id,
                        from_status=src,
                        to_status=dst,
                        cause="test",
                        actor="test",
                        at=at,
                    )
                )
                n += 1
        scores = iter([45.0, 55.0, 62.0, 65.0, 70.0, 71.0, 75.0, 78.0, 81.0, 85.0, 90.0, 95.0])
        for decision, reason, count in [*REASONS, ("promote", None, 2)]:
            for _ in range(count):
                s.add(
                    Decision(
                        lead_id=leads[0].id,
                        decision=decision,
                        reason=reason,
                        decided_by="slack:U1",
                        decided_at=TUESDAY,
                        score=next(scores),
                    )
                )
