"""What calibration learns from: labelled examples, and the settings of the method."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoring.engine import Event


@dataclass(frozen=True)
class Example:
    """One lead whose outcome is known.

    `facts` are the values fit rules test, keyed by the field name the rule will carry (an
    attribute's own spelling, e.g. "Lead Origin", or a standard field such as "source").
    `known_at` is when the label became known: events after it are not looked at, so nothing
    the lead did after its decision leaks into its features. Without it, the latest event is
    taken as that moment.
    """

    facts: Mapping[str, Any]
    label: bool
    events: tuple[Event, ...] = ()
    known_at: datetime | None = None


@dataclass(frozen=True)
class Options:
    max_rules: int = 40
    target_rate: float = 0.30  # the MQL→SQL rate wanted above the threshold
    threshold: int = 70  # the MQL line, as in the default model
    window_days: int = 180  # engagement counts look this far back, as the default model
    min_support: int = 0  # leads a value needs to become a rule; 0: from the data's size
    max_bins: int = 8  # numeric ranges per attribute, before rounding merges some
    folds: int = 5
    seed: int = 0

    def support(self, rows: int) -> int:
        """Enough leads for a rate to mean something: 1 % of them, at least 10, at most 200."""
        if self.min_support > 0:
            return self.min_support
        return max(10, min(200, rows // 100))
