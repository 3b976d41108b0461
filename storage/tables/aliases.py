from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class LeadAlias(SQLModel, table=True):
    """Another name of a lead: an anonymous id ("anon:<id>") an identify linked to it.

    Calls that still carry only the anonymous id after the identify reach the person's lead
    through it, instead of starting a new anonymous lead.
    """

    __tablename__ = "lead_alias"
    __table_args__ = (
        Index("ux_lead_alias_alias", "alias", unique=True),
        Index("ix_lead_alias_lead", "lead_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    alias: str = Field(max_length=200)
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("lead.id", ondelete="CASCADE"), nullable=False)
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
