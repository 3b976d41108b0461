"""Set-at-a-time reads and writes straight to the drivers (sqlite3, psycopg).

Row-at-a-time ORM work, and even SQLAlchemy's per-value processing of Core statements, would
cost more than the scoring itself at a million events. The repositories build their hot
statements on these; which rows they read and write is theirs to say.
"""

from storage.fastwrite.lookups import IN_CHUNK, chunks, driver_rows, member_of
from storage.fastwrite.postgres import ARRAYS_UP_TO
from storage.fastwrite.writes import (
    COPY_FROM,
    fast_insert,
    insert_ignoring_duplicates,
    insert_many,
    update_many,
)

__all__ = [
    "ARRAYS_UP_TO",
    "COPY_FROM",
    "IN_CHUNK",
    "chunks",
    "driver_rows",
    "fast_insert",
    "insert_ignoring_duplicates",
    "insert_many",
    "member_of",
    "update_many",
]
