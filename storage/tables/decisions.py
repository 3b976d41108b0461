from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, json_type


class Decision(SQLModel, table=True):
    """An SDR's decision on an MQL: the label that recalibration learns from.

    The score, model version and breakdown are copied as they were when the SDR decided, so a
    later rescore or model change does not rewrite what the decision was based on.
    """

    __tablename__ = "decision"
    __table_args__ = (
        Index("ix_decision_lead", "lead_id", "decided_at"),
        Index("ix_decision_decided_at", "decided_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("lead.id", ondelete="CASCADE"), nullable=False)
    )
    decision: str = Field(max_length=20)  # promote | recycle | disqualify
    reason: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, sa_column=Column(Text))
    bant: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_type(), nullable=False)
    )
    decided_by: str = Field(max_length=120)  # "slack:U123", "cli:alice"
    decided_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    model_version: int | None = None
    score: float | None = None
    breakdown: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(json_type(), nullable=False)
    )
