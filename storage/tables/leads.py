from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, json_type


class LeadBase(SQLModel):
    email: str | None = Field(default=None, max_length=320)
    external_id: str | None = Field(default=None, max_length=200)
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    company: str | None = None
    industry: str | None = None
    company_size: int | None = None
    country: str | None = None
    source: str | None = None
    attributes: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_type(), nullable=False)
    )


class Lead(LeadBase, table=True):
    __tablename__ = "lead"
    __table_args__ = (
        Index("ux_lead_email", "email", unique=True),
        Index("ux_lead_external_id", "external_id", unique=True),
        Index("ix_lead_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="lead", max_length=20)
    status_since: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    owner: str | None = Field(default=None, max_length=40)  # Slack user id of the claiming SDR
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))

    @property
    def name(self) -> str:
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or self.email or self.external_id or f"lead {self.id}"


class LeadPublic(LeadBase):
    id: int
    status: str
    owner: str | None
