"""What a round of the sender did to the rows it read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    # not attempted: waiting for something else (Slack), or put off with the row before it,
    # whose receiver did not answer (webhooks)
    deferred: int = 0
    held: int = 0  # waiting for an earlier delivery of the same lead (webhooks)
    failed: int = 0

    def add(self, other: Report) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.deferred += other.deferred
        self.held += other.held
        self.failed += other.failed

    @property
    def moved(self) -> int:
        """Rows whose state changed (held ones did not)."""
        return self.sent + self.retried + self.deferred + self.failed

    @property
    def total(self) -> int:
        return self.moved + self.held
