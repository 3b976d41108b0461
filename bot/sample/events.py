"""The sample's events: how many each lead makes, of which kinds, and when in the window.

Everything is drawn as arrays, one element per event, because 100,000 leads mean about a
million events; an event is a lead index, a kind index, a variant within the kind (an index
into `activity.EVENT_ROWS` once offset) and a second in the window.
"""

from __future__ import annotations

import math

import numpy as np

from bot.sample import activity as a
from bot.sample.draws import FloatArray, IntArray, pick

DAY = 86_400
# per event: lead, kind, variant, second in the window (not yet whole)
Part = tuple[IntArray, IntArray, IntArray, FloatArray]


def mean_events_per_lead(days: int) -> float:
    """Expected events per lead: about 10 for 90 days, growing sub-linearly with the window
    because a longer window mostly adds older, sparser history rather than a steady rate."""
    return 10.0 * math.sqrt(days / 90)


def make_events(
    rng: np.random.Generator, propensity: FloatArray, days: int, window: int
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Return per event: lead index, kind index, variant within the kind, second in the window."""
    n = propensity.size
    # Gamma-mixed Poisson counts give the long tail: many quiet leads, a few very busy ones.
    level = 0.4 + 2.0 * propensity
    mean = mean_events_per_lead(days) * level / level.mean()
    counts = rng.poisson(mean * rng.gamma(0.7, 1 / 0.7, n))
    # Each lead is active during its own stretch of the window, not spread evenly over it.
    span = rng.uniform(0.15, 1.0, n) * window
    begin = rng.random(n) * (window - span)

    browsing = _browsing(rng, propensity, counts, begin, span)
    parts = [browsing, _registrations(rng, browsing)]
    parts.extend(_hand_raisers(rng, propensity, begin, span))
    unsubscribes, unsub_at = _unsubscribes(rng, propensity, begin, span)
    parts.append(unsubscribes)

    lead_all, kind_all, variant_all = (
        np.concatenate([part[i] for part in parts]).astype(np.int64) for i in range(3)
    )
    sec_all = np.concatenate([part[3] for part in parts])
    # Nobody opens mail after unsubscribing from it.
    keep = ~(np.isin(kind_all, a.MAIL_KINDS) & (sec_all > unsub_at[lead_all]))
    seconds = np.clip(np.floor(sec_all[keep]), 0, window - 1).astype(np.int64)
    return lead_all[keep], kind_all[keep], variant_all[keep], seconds


def _browsing(
    rng: np.random.Generator,
    propensity: FloatArray,
    counts: IntArray,
    begin: FloatArray,
    span: FloatArray,
) -> Part:
    """Each lead's `counts` everyday events, spread over its active stretch."""
    lead = np.repeat(np.arange(propensity.size, dtype=np.int64), counts)
    # A mixture: with probability `propensity` an event follows the buyer's pattern, else the
    # browser's, so the share of high-intent events rises smoothly with the propensity.
    buyer = rng.random(lead.size) < propensity[lead]
    kind = np.where(
        buyer, pick(rng, a.BUYER_WEIGHTS, lead.size), pick(rng, a.BROWSER_WEIGHTS, lead.size)
    )
    second = begin[lead] + rng.random(lead.size) * span[lead]
    return lead, kind, variants(rng, kind), second


def _registrations(rng: np.random.Generator, browsing: Part) -> Part:
    """Everyone who attended a webinar registered for the same one some days before (unless
    that was before the window, and so is not in this export)."""
    lead, kind, variant, second = browsing
    attended = np.flatnonzero(kind == a.WEBINAR_ATTENDED)
    registered_at = second[attended] - rng.uniform(3_600, 14 * DAY, attended.size)
    inside = attended[registered_at >= 0]
    return (
        lead[inside],
        np.full(inside.size, a.WEBINAR_REGISTERED),
        variant[inside],
        registered_at[registered_at >= 0],
    )


def _hand_raisers(
    rng: np.random.Generator, propensity: FloatArray, begin: FloatArray, span: FloatArray
) -> list[Part]:
    """Hand-raisers come at most once per lead, late in its active stretch."""
    parts = []
    for k, base, extra in a.HAND_RAISERS:
        who = np.flatnonzero(rng.random(propensity.size) < base + extra * propensity**2)
        kinds = np.full(who.size, k)
        parts.append(
            (
                who,
                kinds,
                variants(rng, kinds),
                begin[who] + span[who] * rng.uniform(0.6, 1.0, who.size),
            )
        )
    return parts


def _unsubscribes(
    rng: np.random.Generator, propensity: FloatArray, begin: FloatArray, span: FloatArray
) -> tuple[Part, FloatArray]:
    """The unsubscribes, mostly of poor fits, and per lead the moment of its own (inf: none)."""
    n = propensity.size
    quit_ = np.flatnonzero(rng.random(n) < 0.01 + 0.12 * (1 - propensity) ** 2)
    unsub_at = np.full(n, np.inf)
    unsub_at[quit_] = begin[quit_] + span[quit_] * rng.uniform(0.2, 1.0, quit_.size)
    kinds = np.full(quit_.size, a.UNSUBSCRIBE)
    return (quit_, kinds, variants(rng, kinds), unsub_at[quit_]), unsub_at


def variants(rng: np.random.Generator, kind: IntArray) -> IntArray:
    """For each event, one of its kind's property variants, uniformly."""
    return (rng.random(kind.size) * a.KIND_SIZES[kind]).astype(np.int64)
