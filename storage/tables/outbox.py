from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, json_type


class OutboxMessage(SQLModel, table=True):
    """A message due to Slack (or a webhook), written in the transaction that made it due.

    The sender delivers pending rows and marks them sent; nothing is lost if Slack is down or
    the process dies, and `dedupe_key` keeps one cause from queueing two messages.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ux_outbox_dedupe", "dedupe_key", unique=True),
        Index("ix_outbox_pending", "status", "next_attempt_at"),
        # a lead's deliveries: the webhook sender keeps their order, and deleting a lead
        # cascades here
        Index("ix_outbox_lead", "lead_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)  # "slack.alert", "slack.update", "webhook", ...
    lead_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("lead.id", ondelete="CASCADE"))
    )
    dedupe_key: str = Field(max_length=200)
    payload: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_type(), nullable=False)
    )
    status: str = Field(default="pending", max_length=20)  # pending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    result: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_type(), nullable=False)
    )
    last_error: str | None = None
