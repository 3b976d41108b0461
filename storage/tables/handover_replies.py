from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, json_type


class HandoverReply(SQLModel, table=True):
    """An account executive's answer to a handover: accepted, or sent back with a reason.

    Like a decision it keeps the score it was given on; a send-back is the strongest label
    recalibration has (the SDR said yes, sales said no). One answer per handed-over decision.
    """

    __tablename__ = "handover_reply"
    __table_args__ = (
        Index("ux_handover_reply_decision", "decision_id", unique=True),
        Index("ix_handover_reply_replied_at", "replied_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(
        sa_column=Column(Integer, ForeignKey("decision.id", ondelete="CASCADE"), nullable=False)
    )
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("lead.id", ondelete="CASCADE"), nullable=False)
    )
    outcome: str = Field(max_length=20)  # accepted | sent_back
    reason: str | None = Field(default=None, sa_column=Column(Text))
    replied_by: str = Field(max_length=120)  # "slack:U123"
    replied_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    model_version: int | None = None
    score: float | None = None
    breakdown: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(json_type(), nullable=False)
    )
