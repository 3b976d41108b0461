from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class IngestMessage(SQLModel, table=True):
    """Delivery ids (Segment's `messageId`) of API calls that store no event, e.g. identify:
    a retried delivery is recognised and ignored, as a repeated track is by its event's key."""

    __tablename__ = "ingest_message"

    key: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    kind: str = Field(max_length=20)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
