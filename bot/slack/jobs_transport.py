"""The scheduled jobs' transport (kinds `jobs.%`): SLA reminders in an alert's thread and
escalations to the managers' channel with a link to the alert; and the weekly digest: its
message with chat.postMessage, then its chart with Slack's
external upload flow (files.getUploadURLExternal, the upload, files.completeUploadExternal into
the channel; slack_sdk's files_upload_v2 runs the three). The Slack transport's `slack.%`
never takes these kinds; they have a sender of their own in `sdrbot run`.

A reminder whose MQL was decided (or expired) before it went out is dropped, not posted.

The chart waits (Defer) until the post has told us the channel's id, which the upload's last
step needs, so it also follows its message. Rendering happens here, at delivery: the row
holds the numbers, and the blocks and chart are drawn from them by pure functions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.engine import Engine

from bot.digest.chart import alt_text, digest_chart
from bot.digest.numbers import from_payload
from bot.digest.texts import digest_texts
from bot.outbox.lanes import PooledLanes
from bot.outbox.learning_messages import ExplorationPost, ExplorationUpdate, LearningMessage
from bot.outbox.messages import Digest, Reminder
from bot.outbox.sender import LEASE, Sender
from bot.outbox.transport import (
    Defer,
    Failed,
    Outcome,
    Retry,
    RetryPolicy,
    Row,
    Sent,
    Unreadable,
    read,
)
from bot.slack import exploration_delivery, proposal_delivery, sla_delivery
from bot.slack.blocks.digest import digest_message
from bot.slack.blocks.limits import BlockKitLimitError
from bot.slack.channels import ChannelIds
from bot.slack.transport import PERMANENT_ERRORS, POLICY

JOB_KINDS_LIKE = "jobs.%"
WAIT_FOR_POST = timedelta(seconds=10)


JobMessage = Digest | Reminder | LearningMessage


@dataclass
class JobsTransport:
    engine: Engine
    client: WebClient
    channel_ids: ChannelIds
    kinds: str = JOB_KINDS_LIKE
    policy: RetryPolicy = field(default=POLICY)

    def parse(self, row: Row) -> JobMessage:
        message = read(row)
        if isinstance(message, Digest | Reminder | LearningMessage):
            return message
        raise Unreadable(f"unknown outbox kind {row.kind!r}")

    def lane(self, row: Row, message: JobMessage) -> Hashable:
        return message.channel or "alerts"

    def lane_pattern(self, lane: Hashable) -> None:
        return None

    def held(self, row: Row, message: JobMessage) -> bool:
        return False

    def priority(self, now: datetime) -> None:
        return None  # oldest first: a webhook's order per lead, a job's in its turn

    def describe(self, row: Row, message: JobMessage) -> str:
        if isinstance(message, Reminder):
            step = "escalation" if message.escalate else "reminder"
            return f"outbox row {row.id} (the SLA {step} of lead {message.lead_id})"
        if isinstance(message, ExplorationPost | ExplorationUpdate):
            return f"outbox row {row.id} ({row.kind} of lead {message.lead_id})"
        if not isinstance(message, Digest):
            return f"outbox row {row.id} ({row.kind} of proposal #{message.proposal_id})"
        part = "chart" if message.chart else "message"
        return f"outbox row {row.id} (the digest {part} of {message.week})"

    def deliver(self, row: Row, message: JobMessage, now: datetime) -> Outcome:
        try:
            if isinstance(message, Reminder):
                return sla_delivery.deliver(self.engine, self.client, message)
            if isinstance(message, ExplorationPost | ExplorationUpdate):
                return exploration_delivery.deliver(
                    self.engine, self.client, self.channel_ids, message
                )
            if not isinstance(message, Digest):
                return proposal_delivery.deliver(
                    self.engine, self.client, self.channel_ids, message
                )
            return self._chart(message) if message.chart else self._post(message)
        except BlockKitLimitError as exc:
            return Failed(str(exc))
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if error in PERMANENT_ERRORS or error == "channel_not_found":
                return Failed(f"Slack refused it: {error}")
            return Retry(f"Slack answered {error}")
        except (SlackClientError, OSError) as exc:
            return Retry(f"{type(exc).__name__}: {exc}")

    def _post(self, message: Digest) -> Outcome:
        numbers = from_payload(dict(message.numbers))
        body = digest_message(digest_texts(numbers, message.locale, message.timezone))
        answer = self.client.chat_postMessage(
            channel=message.channel, text=body["text"], blocks=body["blocks"], unfurl_links=False
        )
        channel = str(answer["channel"])
        self.channel_ids.learn(message.channel, channel)
        return Sent({"requested": message.channel, "channel": channel, "ts": answer["ts"]})

    def _chart(self, message: Digest) -> Outcome:
        channel = self.channel_ids.get(message.channel)
        if channel is None:
            return Defer("the digest's message is not posted yet", WAIT_FOR_POST.total_seconds())
        png = digest_chart(from_payload(dict(message.numbers)), message.locale)
        answer = self.client.files_upload_v2(
            channel=channel,
            file=png,
            filename=f"sdrbot-digest-{message.week}.png",
            title=f"{message.week}",
            alt_txt=alt_text(message.locale, message.week),
        )
        files = [str(f.get("id")) for f in answer.get("files") or []]
        return Sent({"requested": message.channel, "channel": channel, "files": files})


class JobsSender(Sender[JobMessage]):
    def __init__(
        self,
        engine: Engine,
        client: WebClient,
        clock: Callable[[], datetime],
        *,
        lease: timedelta = LEASE,
    ) -> None:
        super().__init__(
            engine,
            JobsTransport(engine, client, ChannelIds(engine)),
            clock,
            lanes=PooledLanes(1, name="jobs"),
            lease=lease,
            name="jobs sender",
        )
