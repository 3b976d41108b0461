from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, json_type


class ModelProposal(SQLModel, table=True):
    """A model change proposed by recalibration, waiting for a person's yes or no.

    `status`: pending, approved, rejected or superseded (a newer proposal replaced it before
    anyone decided). `toml` is the proposed model file, `evidence` what it is based on (per
    rule old → new points with the decisions behind them, new rules, the threshold, the
    backtest). `approved_version` is the model version an approval made; `undone_at` and
    `undone_by` say when a rollback to an earlier version undid it. `slack_channel` and
    `slack_ts` say where the proposal was posted, so its message is updated in place.
    """

    __tablename__ = "model_proposal"
    __table_args__ = (Index("ix_model_proposal_status", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="pending", max_length=20)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(max_length=120)
    base_version: int  # the model version the proposal changes
    toml: str = Field(sa_column=Column(Text(), nullable=False))
    headline: str = Field(sa_column=Column(Text(), nullable=False))
    evidence: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_type(), nullable=False)
    )
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    decided_by: str | None = Field(default=None, max_length=120)
    reason: str | None = Field(default=None, sa_column=Column(Text()))
    superseded_by: int | None = None
    approved_version: int | None = None
    undone_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    undone_by: str | None = Field(default=None, max_length=120)
    slack_channel: str | None = Field(default=None, max_length=40)
    slack_ts: str | None = Field(default=None, max_length=40)
