"""Channel names to channel ids, learned from Slack's own answers.

Operators may configure `#sdr-alerts`, but reading a channel's history (to find a message
posted before a crash) takes the id. Every post answers with the id; the sender remembers it,
and after a restart finds it again in the results of the outbox rows it sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.usecases.admin.retention import KEEP_NEWEST_SENT
from storage.db import session_scope
from storage.tables.handles import OUTBOX

_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
# sent rows searched for a name; every sent row of that channel carries it, and retention keeps
# at least these
LOOKBACK = KEEP_NEWEST_SENT


def is_channel_id(ref: str) -> bool:
    return bool(_CHANNEL_ID.match(ref))


@dataclass
class ChannelIds:
    engine: Engine
    known: dict[str, str] = field(default_factory=dict)

    def learn(self, requested: str, channel_id: str) -> None:
        self.known[requested] = channel_id

    def get(self, requested: str) -> str | None:
        """The id of `requested` (an id already, or a name seen in an earlier answer)."""
        if not requested or is_channel_id(requested):
            return requested or None
        if requested not in self.known:
            stmt = (
                select(OUTBOX.c.result)
                .where(OUTBOX.c.status == "sent")
                .order_by(OUTBOX.c.id.desc())
                .limit(LOOKBACK)
            )
            with session_scope(self.engine) as s:
                for (result,) in s.execute(stmt):
                    if (result or {}).get("requested") == requested and result.get("channel"):
                        self.known[requested] = str(result["channel"])
                        break
        return self.known.get(requested)
