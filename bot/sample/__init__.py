"""Synthetic sample data: leads, their events and the hidden truth behind them."""

from __future__ import annotations

from bot.sample.events import mean_events_per_lead
from bot.sample.generator import (
    EVENT_HEADER,
    LEAD_HEADER,
    TRUTH_HEADER,
    GenerateSummary,
    generate,
)

__all__ = [
    "EVENT_HEADER",
    "LEAD_HEADER",
    "TRUTH_HEADER",
    "GenerateSummary",
    "generate",
    "mean_events_per_lead",
]
