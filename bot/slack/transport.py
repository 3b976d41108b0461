"""Slack's Web API as a transport of the sender: a lane per channel, and what Slack's errors mean.

A 429 that outlasts the client's own retries waits for Slack's Retry-After; an answer that says
the message will never be accepted as it is fails the row; any other error, a timeout or a
refused connection is retried with the policy's backoff (and the next attempt looks for the
message in Slack first: it may have been posted before the error).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.jobs.sla_clock import Sla
from bot.outbox.messages import AlertQueued, AlertUpdate, Handover, HandoverAnswered, ThreadNote
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
from bot.slack import delivery
from bot.slack.blocks.limits import BlockKitLimitError
from bot.slack.delivery import Delivery, SlackMessage
from storage.repositories.outbox import Priority

MAX_ATTEMPTS = 12
BACKOFF_BASE = 2.0  # seconds; doubles per attempt
BACKOFF_MAX = 900.0
POLICY = RetryPolicy(MAX_ATTEMPTS, BACKOFF_BASE, BACKOFF_MAX)
DEFER_DELAY = timedelta(seconds=5)
# Slack's answers that mean this message will never be accepted as it is
PERMANENT_ERRORS = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
        "invalid_metadata_format",
        "message_not_found",
        "cant_update_message",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
    }
)


# the outbox kinds this transport delivers, as a LIKE pattern: every kind in messages.SLACK_KINDS
SLACK_KINDS_LIKE = "slack.%"


@dataclass
class SlackTransport:
    delivery: Delivery
    kinds: str = SLACK_KINDS_LIKE
    policy: RetryPolicy = POLICY
    sla: Sla | None = None  # with it, a backlog goes out hand-raisers and overdue MQLs first

    def priority(self, now: datetime) -> Priority:
        # after downtime the SDRs should see the leads that matter most first, not the oldest
        return Priority(self.sla.overdue_before(now) if self.sla else None)

    def parse(self, row: Row) -> SlackMessage:
        message = read(row)
        if isinstance(
            message, AlertQueued | AlertUpdate | ThreadNote | Handover | HandoverAnswered
        ):
            return message
        raise Unreadable(f"unknown outbox kind {row.kind!r}")

    def lane(self, row: Row, message: SlackMessage) -> str:
        return self.delivery.lane(row, message)

    def lane_pattern(self, lane: Hashable) -> None:
        return None  # a channel's rows have no mark of their own; a round waits for its lanes

    def held(self, row: Row, message: SlackMessage) -> bool:
        return False

    def describe(self, row: Row, message: SlackMessage) -> str:
        return f"outbox row {row.id} ({row.kind})"

    def deliver(self, row: Row, message: SlackMessage, now: datetime) -> Outcome:
        try:
            done = self.delivery.send(row, message, now)
        except delivery.Defer as exc:
            return Defer(str(exc), DEFER_DELAY.total_seconds())
        except (delivery.Permanent, BlockKitLimitError) as exc:
            return Failed(str(exc))
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if error in PERMANENT_ERRORS:
                return Failed(f"Slack refused it: {error}")
            # a Retry-After of 0 is no wait Slack asked for: the backoff applies
            return Retry(f"Slack answered {error}", _retry_after(exc) or None)
        except (SlackClientError, OSError) as exc:  # timeouts, refused connections, DNS
            return Retry(f"{type(exc).__name__}: {exc}")
        return Sent(done.result, done.alert)


def _retry_after(exc: SlackApiError) -> float | None:
    if exc.response.status_code != 429:
        return None
    headers = {str(k).lower(): v for k, v in (exc.response.headers or {}).items()}
    try:
        return float(headers.get("retry-after", 1))
    except (TypeError, ValueError):
        return 1.0
