from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, json_text_type


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_lead_time", "lead_id", "occurred_at"),
        Index("ux_event_idempotency_key", "idempotency_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("lead.id", ondelete="CASCADE"), nullable=False)
    )
    type: str = Field(max_length=100)
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # PostgreSQL json (text): written a million at a time and read whole; ->> still works
    properties: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_text_type(), nullable=False)
    )
    # a delivery id (Segment messageId) or a digest of the row: the same event is stored once
    idempotency_key: int = Field(sa_column=Column(BigInteger, nullable=False))
    source: str = Field(default="csv", max_length=20)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
