from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class SlackAlert(SQLModel, table=True):
    """Where an MQL alert landed in Slack, so a decision can update it and reply in its thread.

    One row per delivered alert outbox row (`outbox_id` is unique): a lead that becomes an MQL
    again later gets a new alert, and the newest one is the one a decision updates.
    """

    __tablename__ = "slack_alert"
    __table_args__ = (
        Index("ux_slack_alert_outbox", "outbox_id", unique=True),
        Index("ix_slack_alert_lead", "lead_id", "posted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("lead.id", ondelete="CASCADE"), nullable=False)
    )
    outbox_id: int = Field(
        sa_column=Column(Integer, ForeignKey("outbox.id", ondelete="CASCADE"), nullable=False)
    )
    channel: str = Field(max_length=40)
    ts: str = Field(max_length=40)
    posted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
