"""A message the jobs sender posts once and later edits in place (a proposal, an exploration
alert): posted, the channel id Slack answered learned, and its channel and ts kept on the row
it shows, so that its update finds it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.outbox.transport import Sent
from bot.slack.channels import ChannelIds
from storage.db import session_scope

KeepPosted = Callable[..., None]  # (session, row id, *, channel, ts): the repository's setter


def post_and_keep(
    engine: Engine,
    client: WebClient,
    channel_ids: ChannelIds,
    requested: str,
    body: dict[str, Any],
    keep: tuple[KeepPosted, int],
) -> Sent:
    answer = client.chat_postMessage(channel=requested, unfurl_links=False, **body)
    channel, ts = str(answer["channel"]), str(answer["ts"])
    channel_ids.learn(requested, channel)
    set_posted, row_id = keep
    with session_scope(engine) as session:
        set_posted(session, row_id, channel=channel, ts=ts)
    return Sent({"requested": requested, "channel": channel, "ts": ts})
