from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class ApiKey(SQLModel, table=True):
    """A key for the ingest API. Only the SHA-256 of the secret is stored.

    The secret is 32 random bytes, not a password: a fast hash loses nothing against guessing
    and keeps the check on every request cheap. `prefix` lets people tell keys apart in lists.
    """

    __tablename__ = "api_key"
    __table_args__ = (
        Index("ux_api_key_name", "name", unique=True),
        Index("ux_api_key_hash", "hash", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=20)
    hash: str = Field(max_length=64, repr=False)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(max_length=120)
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
