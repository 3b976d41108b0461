"""Use case: the exploration sample — near-threshold leads shown to the SDRs, and their answers.

With `[learning] exploration_share` above 0, each period's run picks that share of the leads
scoring within `exploration_band` points under the MQL line (at random, seeded by the period:
`scoring.exploration`) and queues an exploration alert for each to its routed SDR channel. The
answer (the decision buttons, as "would you have…") is stored on the sample once, by a
conditional UPDATE: one click wins. It is a label only: the lead keeps its status and no
decision is stored, so the funnel and the digest never count it; recalibration weighs it by
1 / share (`decided_leads.py`), so the few shown stand for the band nobody was shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.outbox.learning_messages import ExplorationPost, ExplorationUpdate
from bot.outbox.queue import queue
from bot.settings import Settings
from scoring.exploration import ANSWERS, pick
from scoring.lifecycle import OPEN_FOR_SCORING
from storage.db import session_scope
from storage.repositories import exploration as repo
from storage.repositories import leads as leads_repo
from storage.repositories import model_versions
from storage.tables import ExplorationSample


@dataclass(frozen=True)
class Explored:
    period: str
    in_band: int  # leads of the band this period
    sampled: list[int]  # the lead ids shown
    share: float

    def summary(self) -> str:
        if self.share <= 0:
            return "exploration is off ([learning] exploration_share = 0): nothing shown"
        return (
            f"{len(self.sampled)} of {self.in_band} lead(s) under the MQL line shown for "
            f"exploration ({self.share:.0%})"
        )


def explore(session: Session, settings: Settings, *, now: datetime, period: str) -> Explored:
    """One period's sample, in the caller's transaction (the job's)."""
    learning = settings.learning
    share = learning.exploration_share
    if share <= 0:
        return Explored(period, 0, [], share)
    earlier = repo.of_period(session, period)
    if earlier:  # a forced rerun of the period: its sample stands, nothing is shown twice
        return Explored(period, len(earlier), [r.lead_id for r in earlier], earlier[0].share)
    active = model_versions.ensure_active(session=session, now=now)
    assert active.version is not None
    line = float(model_versions.parsed(active).thresholds.mql)
    band = repo.in_band(
        session,
        low=line - learning.exploration_band,
        high=line,
        statuses=OPEN_FOR_SCORING,
        model_version=active.version,
    )
    chosen = set(pick([b.lead_id for b in band], share, period))
    routing = settings.routing()
    rows = []
    for b in band:
        lead = leads_repo.get_lead(session, b.lead_id) if b.lead_id in chosen else None
        if lead is None:
            continue
        rows.append(
            ExplorationSample(
                period=period,
                lead_id=b.lead_id,
                sampled_at=now,
                share=share,
                line=line,
                band=learning.exploration_band,
                score=b.score,
                model_version=b.model_version,
                breakdown=b.breakdown,
                channel=routing.channel_for(lead.model_dump()),
            )
        )
    repo.add(session, rows)
    posts = [ExplorationPost(r.id or 0, r.lead_id, r.channel, settings.locale) for r in rows]
    queue(session, list(posts), now=now)
    return Explored(period, len(band), [r.lead_id for r in rows], share)


@dataclass(frozen=True)
class Answered:
    done: bool
    lead_id: int | None
    problem: str | None = None  # "gone" | "answered" | "moved" (an MQL since, or decided)
    by: str | None = None  # for "answered": who answered first
    answer: str | None = None  # for "answered": what they answered


def answer(
    engine: Engine, *, sample_id: int, answer: str, actor: str, now: datetime, locale: str = "en"
) -> Answered:
    """Store an SDR's answer to an exploration alert (raises ValueError for an unknown one)."""
    if answer not in ANSWERS:
        raise ValueError(f"the answer must be one of {', '.join(ANSWERS)}, not {answer!r}")
    with session_scope(engine) as s:
        row = repo.get(s, sample_id)
        if row is None:
            return Answered(False, None, "gone")
        lead = leads_repo.get_lead(s, row.lead_id)
        if lead is not None and lead.status not in OPEN_FOR_SCORING and row.answer is None:
            # its own alert or decision speaks for it now: a "would you have" no longer fits
            return Answered(False, row.lead_id, "moved")
        if not repo.answer_if_open(s, sample_id, answer=answer, by=actor, now=now):
            s.refresh(row)
            return Answered(False, row.lead_id, "answered", row.answered_by, row.answer)
        update = ExplorationUpdate(sample_id, row.lead_id, row.channel, locale)
        queue(s, [update], now=now)
        return Answered(True, row.lead_id)
