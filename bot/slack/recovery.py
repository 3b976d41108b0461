"""Finding a message the bot posted before a crash, so that it is not posted twice.

Every message the bot posts carries metadata with its outbox id. A row that was attempted
before may have reached Slack without the database hearing of it (a crash, a timeout after
Slack accepted the post), so before posting it again the sender looks for that metadata in the
channel (or the thread) and, when it is there, records the existing message instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from slack_sdk import WebClient

from bot.slack.blocks.alert import METADATA_EVENT

OUTBOX_EVENT = "sdrbot_outbox"
RECOVERY_PAGES = 5  # 1000 newest messages: far more than a burst posts before a restart


def find_posted(
    client: WebClient, channel: str, outbox_id: int, *, thread_ts: str | None = None
) -> str | None:
    """The ts of the message this outbox row already posted, if Slack has it."""
    messages = (
        _pages(client.conversations_replies, channel=channel, ts=thread_ts)
        if thread_ts
        else _pages(client.conversations_history, channel=channel)
    )
    for message in messages:
        meta = message.get("metadata") or {}
        if (
            meta.get("event_type") in (METADATA_EVENT, OUTBOX_EVENT)
            and (meta.get("event_payload") or {}).get("outbox_id") == outbox_id
        ):
            return str(message["ts"])
    return None


def _pages(method: Callable[..., Any], **args: Any) -> Iterator[dict[str, Any]]:
    cursor = None
    for _ in range(RECOVERY_PAGES):
        page = method(include_all_metadata=True, limit=200, cursor=cursor, **args)
        yield from page.get("messages") or []
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return
