from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, json_text_type, json_type


class LeadScore(SQLModel, table=True):
    """The current score of a lead and the decaying per-rule state it is computed from."""

    __tablename__ = "lead_score"
    __table_args__ = (
        # PostgreSQL's rescore looks up the leads that are due (bot/usecases/rescore.due_ids):
        # those past their next change under the active model, those under another model, the
        # dirty few. SQLite finds them as fast by walking a join, and keeping these indexes up
        # cost its event import a tenth of its speed: they exist on PostgreSQL only
        # (storage/schema.include_object keeps Alembic's comparison from asking for them).
        # The due index carries lead_id: each worker's range of ids is then filtered inside the
        # index, where it cost a visit to every due row of the whole table per range.
        Index(
            "ix_lead_score_due",
            "model_version",
            "next_change_at",
            postgresql_include=["lead_id"],
        ).ddl_if(dialect="postgresql"),
        Index("ix_lead_score_dirty", "lead_id", postgresql_where=text("dirty")).ddl_if(
            dialect="postgresql"
        ),
    )

    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("lead.id", ondelete="CASCADE"), primary_key=True)
    )
    model_version: int
    score: float
    fit: float
    engagement: float
    fit_grade: str = Field(max_length=1)
    engagement_level: int
    band: str = Field(max_length=10)
    qualifies: bool
    fast_track: str | None = Field(default=None, max_length=100)
    # written on every scoring and never queried inside: PostgreSQL's plain json (stored as
    # text) costs far less to write than jsonb
    breakdown: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(json_text_type(), nullable=False)
    )
    state: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_text_type(), nullable=False)
    )
    last_event_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    computed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # events were stored but the state has not taken them in yet (a bulk import in progress or
    # interrupted): the next scoring of this lead rebuilds its state from the events
    dirty: bool = False
    # no rescore needs to look at this lead before then (None: not until a new event)
    next_change_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class ScoreSnapshot(SQLModel, table=True):
    """A score as it was at a moment that matters: a transition, a decision, a model change."""

    __tablename__ = "score_snapshot"
    __table_args__ = (Index("ix_score_snapshot_lead", "lead_id", "computed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("lead.id", ondelete="CASCADE"), nullable=False)
    )
    model_version: int
    score: float
    fit: float
    engagement: float
    grade: str = Field(max_length=2)
    breakdown: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(json_type(), nullable=False)
    )
    reason: str = Field(max_length=40)
    computed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
