from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class RejectedCall(SQLModel, table=True):
    """A call of an API batch that could not be stored, kept as it was sent with the reason, so
    that a person can see it and replay it after a fix (`sdrbot ingest rejected|replay`).

    `raw` is the call's JSON as sent; `envelope` the batch's `context` and `sentAt`, which the
    call inherits. `reason` is a JSON list of {field, message}. `replayed_at` is set once a
    replay stored it.
    """

    __tablename__ = "ingest_rejected"
    __table_args__ = (Index("ix_ingest_rejected_open", "replayed_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    key_name: str = Field(max_length=100)
    raw: str = Field(sa_column=Column(Text(), nullable=False))
    envelope: str | None = Field(default=None, sa_column=Column(Text()))
    reason: str = Field(sa_column=Column(Text(), nullable=False))
    replayed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
