"""Synthetic leads, events and their hidden ground truth, written as CSV files.

Each lead gets a latent propensity from its fit (role, company size, industry, country, source)
plus noise. How much it engages, which kinds of events it produces and whether it converts are
all drawn from that propensity, so scoring models and recalibration can later be judged against
`truth.csv`. The work is vectorised with numpy because 100,000 leads mean about a million events
(`bot.sample.leads` draws the leads, `bot.sample.events` their events).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from bot.sample import activity
from bot.sample.draws import IntArray
from bot.sample.events import DAY, make_events
from bot.sample.history import DECISIONS_HEADER, OUTCOMES_HEADER, History, Leads, make_history
from bot.sample.leads import make_leads
from scoring.facts import STANDARD_FIELDS

# the standard lead fields, then two custom attributes a CRM export carries
LEAD_HEADER = (*STANDARD_FIELDS, "annual_revenue_eur", "crm_segment")
EVENT_HEADER = ("email", "type", "occurred_at", *activity.PROPERTY_COLUMNS)
TRUTH_HEADER = ("email", "propensity", "converted")

_CHUNK = 100_000
# Share of the progress bar spent before the event rows are written.
_LEADS_SHARE, _EVENTS_BUILT_SHARE = 0.15, 0.30


@dataclass(frozen=True)
class GenerateSummary:
    leads: int
    events: int
    converted: int
    paths: dict[str, Path]
    decisions: int = 0
    outcomes: int = 0

    @property
    def conversion_rate(self) -> float:
        return self.converted / self.leads if self.leads else 0.0


class _Progress:
    """Reports advances that add up to exactly `total`, whatever the phases in between."""

    def __init__(self, total: int, callback: Callable[[int], None] | None) -> None:
        self.total, self.callback, self.reported = total, callback, 0

    def at(self, fraction: float) -> None:
        target = min(self.total, round(self.total * fraction))
        if self.callback is not None and target > self.reported:
            self.callback(target - self.reported)
        self.reported = max(self.reported, target)


def generate(
    leads: int,
    days: int,
    out_dir: Path,
    *,
    seed: int = 42,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    truth: str = "seed",
    history_weeks: int = 5,
) -> GenerateSummary:
    """Write leads.csv, events.csv, truth.csv (`truth`: one of `bot.sample.truth.TRUTHS`) and
    the SDR decisions and CRM outcomes of the last `history_weeks` weeks into `out_dir`.
    `progress` receives advances in leads' worth of work; they sum to `leads`."""
    _check(leads, days, seed, now)
    rng = np.random.default_rng(seed)
    bar = _Progress(leads, progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = ("leads", "events", "truth", "decisions", "outcomes")
    paths = {name: out_dir / f"{name}.csv" for name in names}

    emails, rows, propensity = make_leads(rng, leads, truth)
    converted = rng.random(leads) < propensity
    _write(paths["leads"], LEAD_HEADER, rows)
    _write(
        paths["truth"],
        TRUTH_HEADER,
        zip(emails, np.round(propensity, 4).tolist(), converted.astype(int).tolist(), strict=True),
    )
    bar.at(_LEADS_SHARE)

    window = days * DAY
    lead_of, kind, variant, second = make_events(rng, propensity, days, window)
    order = np.lexsort((kind, lead_of, second))
    row_of = activity.KIND_OFFSETS[kind[order]] + variant[order]
    lead_of, second = lead_of[order], second[order]
    bar.at(_EVENTS_BUILT_SHARE)
    # Whole seconds, the first one no earlier than now - days and the last no later than now.
    first = math.floor(now.timestamp()) - (window - 1)
    _write_events(paths["events"], emails, lead_of, row_of, second + first, bar)
    # its own stream, so that the leads and events of a seed stay what they were without it
    past = make_history(
        np.random.default_rng([seed, 1]),
        Leads(LEAD_HEADER, rows, emails, propensity, converted),
        (lead_of, row_of, second + first),
        now=now,
        weeks=history_weeks,
    )
    _write_history(paths, past)
    bar.at(1.0)
    return GenerateSummary(
        leads,
        int(lead_of.size),
        int(converted.sum()),
        paths,
        len(past.decisions),
        len(past.outcomes),
    )


def _check(leads: int, days: int, seed: int, now: datetime) -> None:
    if leads < 1 or days < 1:
        raise ValueError("leads and days must be at least 1")
    if seed < 0:
        raise ValueError("seed must be 0 or greater")
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")


def _write_history(paths: dict[str, Path], past: History) -> None:
    _write(paths["decisions"], DECISIONS_HEADER, past.decisions)
    _write(paths["outcomes"], OUTCOMES_HEADER, past.outcomes)


def _write(path: Path, header: tuple[str, ...], rows: Any) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _write_events(
    path: Path,
    emails: list[str],
    lead_of: IntArray,
    row_of: IntArray,
    stamp_of: IntArray,
    bar: _Progress,
) -> None:
    """The event rows in chunks, so that a million of them never sit in memory as text."""
    table = activity.EVENT_ROWS
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(EVENT_HEADER)
        for start in range(0, lead_of.size, _CHUNK):
            stop = start + _CHUNK
            stamps = np.datetime_as_string(
                stamp_of[start:stop].astype("datetime64[s]"), unit="s"
            ).tolist()
            writer.writerows(
                (emails[lead], table[row][0], stamp + "+00:00", *table[row][1:])
                for lead, row, stamp in zip(
                    lead_of[start:stop].tolist(), row_of[start:stop].tolist(), stamps, strict=True
                )
            )
            bar.at(_EVENTS_BUILT_SHARE + (1 - _EVENTS_BUILT_SHARE) * stop / lead_of.size)
