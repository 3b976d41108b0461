"""Decided leads in a database, as a week of SDR decisions leaves them: each with its events,
the decision with the score and breakdown it was made on, and its status. The signal is planted:
executives and the "Enterprise" segment (an attribute the default model does not use) convert,
the industry says nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from sqlalchemy.engine import Engine

from scoring.engine import Event as ScoringEvent
from scoring.engine import lead_facts, score_events
from scoring.facts import STANDARD_FIELDS
from storage.db import session_scope
from storage.repositories import model_versions
from storage.tables import Decision, Event, Lead, LeadScore


def _lead(i: int, rng: np.random.Generator, now: datetime) -> tuple[Lead, list[Event], float]:
    executive = bool(rng.random() < 0.5)
    enterprise = bool(rng.random() < 0.4)
    industry = "Hospitality" if rng.random() < 0.5 else "Software"
    lead = Lead(
        email=f"lead{i}@firm{i}.example",
        first_name="Lead",
        last_name=str(i),
        title="CEO" if executive else "Head of Sales",
        company=f"Firm {i}",
        company_size=120,
        industry=industry,
        attributes={"Segment": "Enterprise" if enterprise else "SMB"},
        status="lead",
        status_since=now,
        created_at=now - timedelta(days=10),
        updated_at=now,
    )
    events = [
        Event(
            type="webinar_attended",
            occurred_at=now - timedelta(days=3, hours=i % 24),
            properties={},
            idempotency_key=10_000 + 3 * i,
            received_at=now,
        ),
        Event(
            type="page_view",
            occurred_at=now - timedelta(days=2),
            properties={"url": "https://x.example/product"},
            idempotency_key=10_001 + 3 * i,
            received_at=now,
        ),
    ]
    p = (0.6 if executive else 0.12) + (0.3 if enterprise else 0.0)
    return lead, events, min(0.95, p)


def decided_leads(
    engine: Engine,
    now: datetime,
    n: int,
    *,
    seed: int = 7,
    leak: bool = False,
    open_leads: int = 0,
) -> list[int]:
    """`n` leads decided over the days before `now` (`leak`: every promoted lead also registers
    for a webinar after its decision, a perfect signal that must not be learned), and
    `open_leads` more, scored now and not decided."""
    rng = np.random.default_rng(seed)
    ids = []
    with session_scope(engine) as s:
        active = model_versions.ensure_active(session=s, now=now - timedelta(days=30))
        model = model_versions.parsed(active)
        for i in range(n + open_leads):
            lead, events, p = _lead(i, rng, now - timedelta(days=1))
            s.add(lead)
            s.flush()
            assert lead.id is not None
            for e in events:
                e.lead_id = lead.id
                s.add(e)
            at = now - timedelta(hours=n - i + 1)
            facts = lead_facts({f: getattr(lead, f) for f in STANDARD_FIELDS}, lead.attributes)
            seen = [ScoringEvent(e.type, e.occurred_at, e.properties) for e in events]
            sc, _ = score_events(model, facts, seen, at)
            s.add(
                LeadScore(
                    lead_id=lead.id,
                    model_version=active.version or 1,
                    score=sc.total,
                    fit=sc.fit,
                    engagement=sc.engagement,
                    fit_grade=sc.fit_grade,
                    engagement_level=sc.engagement_level,
                    band=sc.band,
                    qualifies=sc.qualifies,
                    breakdown=sc.breakdown_json(),
                    state={},
                    computed_at=at,
                    dirty=True,
                )
            )
            if i >= n:
                continue
            promoted = bool(rng.random() < p)
            outcome = "promote" if promoted else ("recycle" if i % 3 == 0 else "disqualify")
            lead.status = {"promote": "sql", "recycle": "recycled"}.get(outcome, "disqualified")
            s.add(lead)
            s.add(
                Decision(
                    lead_id=lead.id,
                    decision=outcome,
                    decided_by="slack:U0SDRANNA1",
                    decided_at=at,
                    model_version=active.version,
                    score=sc.total,
                    breakdown=sc.breakdown_json(),
                )
            )
            if leak and promoted:
                s.add(
                    Event(
                        lead_id=lead.id,
                        type="webinar_registered",
                        occurred_at=at + timedelta(minutes=5),
                        properties={},
                        idempotency_key=10_002 + 3 * i,
                        received_at=now,
                    )
                )
            ids.append(lead.id)
    return ids
