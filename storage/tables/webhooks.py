from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, json_type


class Webhook(SQLModel, table=True):
    """A URL that receives a signed JSON document when a lead's lifecycle status changes.

    The signing secret must be kept, not hashed: the bot signs every delivery with it, and the
    receiver checks the signature with its copy.
    """

    __tablename__ = "webhook"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    events: list[str] = Field(
        default_factory=list, sa_column=Column(json_type(), nullable=False)
    )  # statuses
    secret: str = Field(max_length=100, repr=False)
    description: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(max_length=120)
    removed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
