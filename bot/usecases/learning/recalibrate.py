"""Use case `recalibrate`: from the stored decisions, a proposed model (points of the current
rules refitted, new candidate rules, a threshold for the target promote rate) with its evidence
and backtest, stored as a pending proposal (superseding older pending ones) and posted to the
marketing-ops channel in the same transaction. `dry_run` stores and posts nothing.

Below the minimum of decisions nothing is proposed: `NotEnough` says what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.outbox.learning_messages import ProposalPost, ProposalUpdate
from bot.outbox.queue import queue
from bot.settings import Settings
from bot.usecases.learning.decided_leads import labelled, population
from bot.usecases.learning.evidence import evidence, headline
from scoring.calibrate.recal_backtest import backtest, would_become_mqls
from scoring.calibrate.recal_types import NotEnough
from scoring.calibrate.recalibration import revise
from scoring.calibrate.revised_text import revised_text
from storage.db import session_scope
from storage.repositories import model_versions
from storage.repositories import proposals as repo

__all__ = ["NotEnough", "Proposed", "recalibrate", "recalibrate_in"]


@dataclass(frozen=True)
class Proposed:
    proposal_id: int | None  # None: a dry run
    headline: str
    evidence: dict[str, Any]
    toml: str
    superseded: list[int]


def recalibrate(
    engine: Engine, settings: Settings, *, now: datetime, actor: str, dry_run: bool = False
) -> Proposed:
    with session_scope(engine) as session:
        return recalibrate_in(session, settings, now=now, actor=actor, dry_run=dry_run)


def recalibrate_in(
    session: Session, settings: Settings, *, now: datetime, actor: str, dry_run: bool = False
) -> Proposed:
    """In the caller's transaction (the weekly job's)."""
    learning = settings.learning
    options = learning.options()
    active = model_versions.ensure_active(session=session, now=now)
    assert active.version is not None
    model = model_versions.parsed(active)
    labels = labelled(session, model, learning)
    current = population(session, model, now)
    revision = revise(model, labels.decided, current, options)
    test = backtest(model, labels.decided, current, options)
    becoming, qualifying = would_become_mqls(model, revision, current, options.window_days)
    ev = evidence(
        revision,
        test,
        becoming=becoming,
        qualifying=qualifying,
        looked_at=len(current),
        target=options.target_rate,
        from_crm=labels.from_crm,
        recycle_weight=learning.recycle_weight,
        labels={
            "from_ae": labels.from_ae,
            "sent_back_weight": learning.sent_back_weight,
            "from_exploration": labels.from_exploration,
        },
    )
    title = headline(ev)
    header = [
        f"Proposed by `sdrbot recalibrate` on {now:%Y-%m-%d} from model v{active.version}.",
        title + ".",
    ]
    text = revised_text(active.toml, model, revision, header, options.window_days)
    if dry_run:
        return Proposed(None, title, ev, text, [])
    row, older = repo.add(
        session,
        created_by=actor,
        base_version=active.version,
        toml=text,
        headline=title,
        evidence=ev,
        now=now,
    )
    assert row.id is not None
    channel = learning.channel or settings.digest_channel
    updates = [
        ProposalUpdate(old, channel, "superseded", settings.locale)
        for old in older
        if (found := repo.get(session, old)) is not None and found.slack_ts
    ]
    queue(session, [ProposalPost(row.id, channel, settings.locale), *updates], now=now)
    return Proposed(row.id, title, ev, text, older)
