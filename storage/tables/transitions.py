from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, json_type


class LifecycleTransition(SQLModel, table=True):
    """The audit trail: every status change, what or who caused it, and when."""

    __tablename__ = "lifecycle_transition"
    __table_args__ = (
        Index("ix_transition_lead", "lead_id", "at"),
        Index("ix_transition_to_at", "to_status", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("lead.id", ondelete="CASCADE"), nullable=False)
    )
    from_status: str = Field(max_length=20)
    to_status: str = Field(max_length=20)
    cause: str = Field(max_length=60)
    actor: str = Field(max_length=120)  # "system", "import:leads.csv", "slack:U123", "cli:alice"
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    details: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_type(), nullable=False)
    )
