"""A near-threshold lead shown to the SDRs although the model did not make it an MQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, json_type


class ExplorationSample(SQLModel, table=True):
    """One lead of one period's exploration sample, and the SDR's answer to it.

    `share` is the probability with which a lead of the band was picked that period (picked /
    in the band), so a label from it stands for 1 / share leads the model never alerted. The
    score, model version and breakdown are those the lead was shown with. The answer (promote,
    recycle, disqualify) is a label only: the lead's status does not move, and it is no
    decision, so the funnel and the digest never count it as an MQL's.
    """

    __tablename__ = "exploration_sample"
    __table_args__ = (
        Index("ux_exploration_sample_period_lead", "period", "lead_id", unique=True),
        Index("ix_exploration_sample_answered_at", "answered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=20)  # the job's period, e.g. "2026-12-03"
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("lead.id", ondelete="CASCADE"), nullable=False)
    )
    sampled_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    share: float  # picked / leads in the band that period
    line: float  # the MQL line then
    band: float  # how far under it the band reached
    score: float
    model_version: int | None = None
    breakdown: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(json_type(), nullable=False)
    )
    channel: str = Field(max_length=120)
    answer: str | None = Field(default=None, max_length=20)  # promote | recycle | disqualify
    answered_by: str | None = Field(default=None, max_length=120)
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    slack_channel: str | None = Field(default=None, max_length=40)
    slack_ts: str | None = Field(default=None, max_length=40)
