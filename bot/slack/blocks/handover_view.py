"""What the handover shows, as plain values (see views.py for the alert's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.slack.blocks.views import AlertView


@dataclass(frozen=True)
class EarlierDecision:
    outcome: str  # "promote" | "recycle" | "disqualify"
    by: str  # Slack user id (or a CLI actor)
    at: datetime
    reason: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class ReplyView:
    """An AE's answer to the handover."""

    outcome: str  # "accepted" | "sent_back"
    by: str
    at: datetime
    reason: str | None = None


@dataclass(frozen=True)
class HandoverView:
    lead: AlertView  # owner_slack_id: the owner now (the qualifier, once promoted)
    decision_id: int
    qualifier: str  # who promoted it
    now: datetime  # "2 days ago" is counted from here
    ae: str | None = None  # the AE named in the modal
    bant: Mapping[str, str] = field(default_factory=dict)  # question -> stored answer
    pain_points: str | None = None
    notes: str | None = None
    company_size: int | None = None
    country: str | None = None
    source: str | None = None
    crm_id: str | None = None
    crm_url: str | None = None  # the CRM id as a link, when a URL template is configured
    attributes: Sequence[tuple[str, str]] = ()  # (configured name, value), as configured
    earlier: Sequence[EarlierDecision] = ()  # newest first
    events: Sequence[tuple[datetime, str, str]] = ()  # (at, type, detail), any order
    reply: ReplyView | None = None
    alert_link: str | None = None
