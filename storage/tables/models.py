from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class ModelVersion(SQLModel, table=True):
    """Every version of the scoring model; exactly one is active."""

    __tablename__ = "model_version"

    version: int | None = Field(default=None, primary_key=True)
    toml: str = Field(sa_column=Column(Text, nullable=False))
    name: str = Field(max_length=200)
    checksum: str = Field(max_length=64)
    status: str = Field(default="archived", max_length=20)  # active | archived | proposed
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(max_length=120)
    note: str | None = None
    activated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
