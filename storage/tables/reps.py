from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class SdrRep(SQLModel, table=True):
    """An SDR's standing for the round robin: how many leads they got, and whether they are away.

    The count only ever grows, which is what makes the weighted round robin fair over time
    rather than per batch; `/lead ooo on|off` sets the absence.
    """

    __tablename__ = "sdr_rep"

    user_id: str = Field(primary_key=True, max_length=40)  # Slack user id
    out_of_office: bool = False
    assigned: int = 0
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
