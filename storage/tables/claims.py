from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class LeadClaim(SQLModel, table=True):
    """An SDR claiming an MQL: who and when. The lead's `owner` says who has it now; this row
    keeps the moment, so a claim counts as a first action (App Home's time to first action)
    even after the lead was taken over or reassigned. An assignment by round robin is no claim.
    """

    __tablename__ = "lead_claim"
    __table_args__ = (
        Index("ix_lead_claim_by", "claimed_by", "claimed_at"),
        Index("ix_lead_claim_lead", "lead_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("lead.id", ondelete="CASCADE"), nullable=False)
    )
    claimed_by: str = Field(max_length=120)  # "slack:U123", as a decision's decided_by
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
