"""What every scoring use case works in: the session, the active model, the moment, the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from scoring.expiry import Expiry
from scoring.model import ScoringModel
from storage.repositories import model_versions


@dataclass
class Ctx:
    session: Session
    model: ScoringModel
    version: int
    now: datetime
    actor: str
    # a model change that makes many MQLs at once: their alerts wait for one summary
    hold_alerts: bool = False
    # set by the daily expiry, a rescore and a model change: only they move a stale MQL back to
    # nurturing (an event that lowers a score leaves that to the next daily run)
    expiry: Expiry | None = None
    locale: str = "en"  # of the notes the changes leave in Slack threads


def open_ctx(
    session: Session,
    *,
    now: datetime,
    actor: str,
    hold_alerts: bool = False,
    expiry: Expiry | None = None,
    locale: str = "en",
) -> Ctx:
    """A context under the active model; a fresh database stores the default model first."""
    version, model = model_versions.active_model(session=session, now=now)
    return Ctx(session, model, version, now, actor, hold_alerts, expiry, locale)
