"""What a transport is to the sender: it reads a row as its message, names the row's lane, and
delivers it, answering with one of the outcomes below; the sender does the rest.

The sender (`bot.outbox.sender`) owns the lease, the claim, the backoff, the attempt limit and
what each outcome does to the row. A transport knows only its service: Slack's Web API, a
webhook receiver. Adding one is a class with the members of `Transport`; pacing (Slack's limit
per channel) belongs to the transport, whose lane is the unit it paces.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bot.outbox.messages import Message, UnknownKind, parse
from storage.repositories.outbox import OutboxRow, Priority

Row = OutboxRow


@dataclass(frozen=True)
class RetryPolicy:
    """How often a transport's rows are tried, and how long the sender waits between tries."""

    max_attempts: int
    backoff_base: float  # seconds before the second attempt; doubles per attempt
    backoff_max: float

    def backoff(self, attempts: int) -> float:
        """The wait after the `attempts`-th attempt failed."""
        return float(min(self.backoff_max, self.backoff_base * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Sent:
    result: Mapping[str, Any]  # stored on the row: where it landed, what the receiver said
    also: Any = None  # an ORM object stored in the same transaction (a Slack alert's place)


@dataclass(frozen=True)
class Retry:
    """A failed attempt: the row is tried again after `after` seconds (None: the policy's
    backoff), or failed for good once it has used up its attempts."""

    error: str
    after: float | None = None
    # the service did not answer, or asked for patience: the rest of the lane would fare no
    # better now, and is put off to the same moment (an attempt each)
    put_off_rest: bool = False


@dataclass(frozen=True)
class Defer:
    """Not an attempt: the row waits `after` seconds (e.g. for its alert to reach Slack)."""

    reason: str
    after: float


@dataclass(frozen=True)
class Failed:
    """Retrying cannot help: the row is kept as failed."""

    error: str


Outcome = Sent | Retry | Defer | Failed


class Unreadable(Exception):
    """A row this version cannot read as a message of the transport: it is failed for good."""


M = TypeVar("M")


class Transport(Protocol[M]):
    """A service the sender delivers rows to.

    `kinds` is the SQL LIKE pattern of the kinds it takes; `policy` its attempts and backoff.
    A row is held (left pending, not claimed) while `held` says so: the webhooks' order per
    lead. `lane_pattern` is the dedupe-key LIKE pattern of a lane's rows, so that a busy
    lane's rows stay out of the next round's batch (None: its lanes are waited for anyway).
    `priority` orders a round's due rows (None: oldest first).
    """

    kinds: str
    policy: RetryPolicy

    def parse(self, row: Row) -> M: ...  # raises Unreadable

    def lane(self, row: Row, message: M) -> Hashable: ...

    def lane_pattern(self, lane: Hashable) -> str | None: ...

    def held(self, row: Row, message: M) -> bool: ...

    def deliver(self, row: Row, message: M, now: datetime) -> Outcome: ...

    def describe(self, row: Row, message: M) -> str: ...

    def priority(self, now: datetime) -> Priority | None: ...  # None: oldest first


def read(row: Row) -> Message:
    """The row's message; raises Unreadable for a kind this version lacks or a broken row (a
    transport raises it too for a kind it does not deliver)."""
    try:
        return parse(row.kind, row.lead_id, row.dedupe_key, row.payload)
    except UnknownKind as exc:
        raise Unreadable(str(exc)) from exc
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise Unreadable(f"outbox row of kind {row.kind!r} unreadable: {exc!r}") from exc
