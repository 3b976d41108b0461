"""Synthetic leads, events and their hidden ground truth, written as CSV files.

Each lead gets a latent propensity from its fit (role, company size, industry, country, source)
plus noise. How much it engages, which kinds of events it produces and whether it converts are
all drawn from that propensity, so scoring models and recalibration can later be judged against
`truth.csv`. The work is vectorised with numpy because 100,000 leads mean about a million events.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from bot.sample import vocabulary as v

LEAD_HEADER = (
    "email",
    "external_id",
    "first_name",
    "last_name",
    "title",
    "company",
    "industry",
    "company_size",
    "country",
    "source",
    "annual_revenue_eur",
    "crm_segment",
)
EVENT_HEADER = ("email", "type", "occurred_at", *v.PROPERTY_COLUMNS)
TRUTH_HEADER = ("email", "propensity", "converted")

DAY = 86_400
_CHUNK = 100_000
# Share of the progress bar spent before the event rows are written.
_LEADS_SHARE, _EVENTS_BUILT_SHARE = 0.15, 0.30
# Export gaps per column (title, industry, company_size, country, revenue, segment): CRM data
# is never complete, and the importer and the fit rules must cope with it.
_BLANK_RATES = np.array([0.04, 0.05, 0.08, 0.03, 0.25, 0.12])

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class GenerateSummary:
    leads: int
    events: int
    converted: int
    paths: dict[str, Path]

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


def mean_events_per_lead(days: int) -> float:
    """Expected events per lead: about 10 for 90 days, growing sub-linearly with the window
    because a longer window mostly adds older, sparser history rather than a steady rate."""
    return 10.0 * math.sqrt(days / 90)


def generate(
    leads: int,
    days: int,
    out_dir: Path,
    *,
    seed: int = 42,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> GenerateSummary:
    """Write leads.csv, events.csv and truth.csv into `out_dir`.

    `progress` receives advances measured in leads' worth of work; they sum to `leads`.
    """
    if leads < 1 or days < 1:
        raise ValueError("leads and days must be at least 1")
    if seed < 0:
        raise ValueError("seed must be 0 or greater")
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    rng = np.random.default_rng(seed)
    bar = _Progress(leads, progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"{name}.csv" for name in ("leads", "events", "truth")}

    emails, rows, propensity = _make_leads(rng, leads)
    converted = rng.random(leads) < propensity
    _write(paths["leads"], LEAD_HEADER, rows)
    _write(
        paths["truth"],
        TRUTH_HEADER,
        zip(emails, np.round(propensity, 4).tolist(), converted.astype(int).tolist(), strict=True),
    )
    bar.at(_LEADS_SHARE)

    window = days * DAY
    lead_of, kind, variant, second = _make_events(rng, propensity, days, window)
    order = np.lexsort((kind, lead_of, second))
    row_of = v.KIND_OFFSETS[kind[order]] + variant[order]
    lead_of, second = lead_of[order], second[order]
    bar.at(_EVENTS_BUILT_SHARE)

    # Whole seconds, the first one no earlier than now - days and the last no later than now.
    first = math.floor(now.timestamp()) - (window - 1)
    table = v.EVENT_ROWS
    with paths["events"].open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(EVENT_HEADER)
        for start in range(0, lead_of.size, _CHUNK):
            stop = start + _CHUNK
            stamps = np.datetime_as_string(
                (second[start:stop] + first).astype("datetime64[s]"), unit="s"
            ).tolist()
            writer.writerows(
                (emails[lead], table[row][0], stamp + "+00:00", *table[row][1:])
                for lead, row, stamp in zip(
                    lead_of[start:stop].tolist(), row_of[start:stop].tolist(), stamps, strict=True
                )
            )
            bar.at(_EVENTS_BUILT_SHARE + (1 - _EVENTS_BUILT_SHARE) * stop / lead_of.size)
    bar.at(1.0)
    return GenerateSummary(
        leads=leads, events=int(lead_of.size), converted=int(converted.sum()), paths=paths
    )


def crm_id(email: str) -> str:
    """A person's CRM id, from their e-mail: samples of other sizes or seeds hold other people,
    and a numbered id would name one of them in one sample and another in the next, so that
    importing a second sample would rename the first one's leads."""
    return "CRM-" + hashlib.blake2b(email.encode(), digest_size=8).hexdigest().upper()


def _write(path: Path, header: tuple[str, ...], rows: Any) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _pick(rng: np.random.Generator, weights: list[float], size: int) -> IntArray:
    cumulative = np.cumsum(weights) / sum(weights)
    return np.searchsorted(cumulative, rng.random(size), side="right").astype(np.int64)


def _make_leads(
    rng: np.random.Generator, n: int
) -> tuple[list[str], list[tuple[Any, ...]], FloatArray]:
    """Return the leads' emails, their CSV rows and their latent propensity."""
    # Several contacts per company, as in a real CRM; a long-tailed (log-normal) company size
    # puts roughly a quarter of the companies in the 50-200 sweet spot.
    companies = max(1, n // 3)
    c_industry = _pick(rng, [i.weight for i in v.INDUSTRIES], companies)
    c_country = _pick(rng, [c.weight for c in v.COUNTRIES], companies)
    c_size = np.clip(np.exp(rng.normal(3.6, 1.7, companies)), 1, 20_000).astype(np.int64)
    c_name = rng.integers(len(v.COMPANY_CORES), size=companies)
    c_noun = rng.integers(3, size=companies)
    c_revenue = c_size * rng.lognormal(math.log(110_000), 0.5, companies)

    company = rng.integers(companies, size=n)
    title = _pick(rng, [t.weight for t in v.TITLES], n)
    source = _pick(rng, [s.weight for s in v.SOURCES], n)
    first = rng.integers(len(v.FIRST_NAMES), size=n)
    last = rng.integers(len(v.LAST_NAMES), size=n)
    industry, country, size = c_industry[company], c_country[company], c_size[company]
    # Restaurant and hotel managers work in hospitality; elsewhere they run operations.
    title = np.where(
        v.HOSPITALITY_ROLE[title] & (v.INDUSTRY_FIT[industry] < 0.8), v.OPERATIONS_MANAGER, title
    )

    size_fit = np.select(
        [(size >= 50) & (size <= 200), (size >= 20) & (size <= 500), size >= 5],
        [1.0, 0.4, 0.1],
        0.0,
    )
    fit = (
        0.40 * v.TITLE_FIT[title]
        + 0.30 * size_fit
        + 0.20 * v.INDUSTRY_FIT[industry]
        + 0.06 * v.COUNTRY_FIT[country]
        + 0.04 * v.SOURCE_FIT[source]
    )
    propensity = 1 / (1 + np.exp(-(-5.4 + 6.0 * fit + rng.normal(0, 0.8, n))))
    # The fit above uses the true attributes; the export then loses some of them.
    blank = (rng.random((n, _BLANK_RATES.size)) < _BLANK_RATES).tolist()

    emails: list[str] = []
    rows: list[tuple[Any, ...]] = []
    for i, (c, t, s, f, la, b) in enumerate(
        zip(
            company.tolist(),
            title.tolist(),
            source.tolist(),
            first.tolist(),
            last.tolist(),
            blank,
            strict=True,
        )
    ):
        ind, ctry = v.INDUSTRIES[c_industry[c]], v.COUNTRIES[c_country[c]]
        core, noun = v.COMPANY_CORES[c_name[c]], ind.nouns[c_noun[c]]
        domain = f"{v.slug(core)}-{v.slug(noun)}.{ctry.tld}"
        email = f"{v.FIRST_SLUGS[f]}.{v.LAST_SLUGS[la]}.{i + 1}@{domain}"
        emails.append(email)
        employees = int(c_size[c])
        rows.append(
            (
                email,
                crm_id(email),
                v.FIRST_NAMES[f],
                v.LAST_NAMES[la],
                "" if b[0] else v.TITLES[t].name,
                f"{core} {noun} {ctry.legal}",
                "" if b[1] else ind.name,
                "" if b[2] else employees,
                "" if b[3] else ctry.code,
                v.SOURCES[s].name,
                "" if b[4] else int(round(c_revenue[c], -3)),
                "" if b[5] else v.segment(employees),
            )
        )
    return emails, rows, propensity


def _make_events(
    rng: np.random.Generator, propensity: FloatArray, days: int, window: int
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Return per event: lead index, kind index, variant within the kind, second in the window."""
    n = propensity.size
    # Gamma-mixed Poisson counts give the long tail: many quiet leads, a few very busy ones.
    activity = 0.4 + 2.0 * propensity
    mean = mean_events_per_lead(days) * activity / activity.mean()
    counts = rng.poisson(mean * rng.gamma(0.7, 1 / 0.7, n))
    # Each lead is active during its own stretch of the window, not spread evenly over it.
    span = rng.uniform(0.15, 1.0, n) * window
    begin = rng.random(n) * (window - span)

    lead = np.repeat(np.arange(n, dtype=np.int64), counts)
    # A mixture: with probability `propensity` an event follows the buyer's pattern, else the
    # browser's, so the share of high-intent events rises smoothly with the propensity.
    buyer = rng.random(lead.size) < propensity[lead]
    kind = np.where(
        buyer, _pick(rng, v.BUYER_WEIGHTS, lead.size), _pick(rng, v.BROWSER_WEIGHTS, lead.size)
    )
    second = begin[lead] + rng.random(lead.size) * span[lead]
    variant = _variants(rng, kind)
    parts = [(lead, kind, variant, second)]

    # Everyone who attended a webinar registered for the same one some days before (unless
    # that was before the window, and so is not in this export).
    attended = np.flatnonzero(kind == v.WEBINAR_ATTENDED)
    registered_at = second[attended] - rng.uniform(3_600, 14 * DAY, attended.size)
    inside = attended[registered_at >= 0]
    parts.append(
        (
            lead[inside],
            np.full(inside.size, v.WEBINAR_REGISTERED),
            variant[inside],
            registered_at[registered_at >= 0],
        )
    )
    # Hand-raisers come at most once per lead, late in its active stretch.
    for k, base, extra in v.HAND_RAISERS:
        who = np.flatnonzero(rng.random(n) < base + extra * propensity**2)
        kinds = np.full(who.size, k)
        parts.append(
            (
                who,
                kinds,
                _variants(rng, kinds),
                begin[who] + span[who] * rng.uniform(0.6, 1.0, who.size),
            )
        )
    quit_ = np.flatnonzero(rng.random(n) < 0.01 + 0.12 * (1 - propensity) ** 2)
    unsub_at = np.full(n, np.inf)
    unsub_at[quit_] = begin[quit_] + span[quit_] * rng.uniform(0.2, 1.0, quit_.size)
    kinds = np.full(quit_.size, v.UNSUBSCRIBE)
    parts.append((quit_, kinds, _variants(rng, kinds), unsub_at[quit_]))

    lead_all, kind_all, variant_all = (
        np.concatenate([p[i] for p in parts]).astype(np.int64) for i in range(3)
    )
    sec_all = np.concatenate([p[3] for p in parts])
    # Nobody opens mail after unsubscribing from it.
    keep = ~(np.isin(kind_all, v.MAIL_KINDS) & (sec_all > unsub_at[lead_all]))
    seconds = np.clip(np.floor(sec_all[keep]), 0, window - 1).astype(np.int64)
    return lead_all[keep], kind_all[keep], variant_all[keep], seconds


def _variants(rng: np.random.Generator, kind: IntArray) -> IntArray:
    return (rng.random(kind.size) * v.KIND_SIZES[kind]).astype(np.int64)
