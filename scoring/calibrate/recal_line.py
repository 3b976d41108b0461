"""Where recalibration puts the MQL line: at the target promote rate by the refitted chances,
but never moving the number of leads that qualify by more than a share per run, and never
growing it while the latest MQLs were promoted below the target.

The refitted chances are trustworthy where leads were decided, which is above the old line;
below it they are an extrapolation, and an optimistic one: a line chosen by them alone once
made a quarter of all stored leads MQLs at once, at two thirds of the rate aimed at. The cap
lets the line walk down week by week while each week's decisions check the step before."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from scoring.calibrate.recal_features import Layout, line_of
from scoring.calibrate.recal_types import Decided, Line, RecalOptions
from scoring.model import ScoringModel

BINDING = 0.05  # a promote rate this far above the target at the lowest line: minimums bind
TOLERANCE = 0.03  # the latest promote rate this near the target neither grows nor shrinks...
CHANCE = 2.0  # ...nor one within this many standard errors of it, which the dice alone give


class Observed(NamedTuple):
    rate: float  # the share promoted among the latest decisions
    n: int  # how many decisions that is


def latest_rate(decided: Sequence[Decided], share: float) -> Observed | None:
    """The share promoted among the latest decisions (`share` of them, at least 30), each
    counting once: the MQL->SQL rate the digest shows, not the fit's weighted one."""
    if not decided:
        return None
    ordered = sorted(decided, key=lambda d: d.at)
    recent = ordered[-max(30, round(share * len(ordered))) :]
    return Observed(sum(1 for d in recent if d.label) / len(recent), len(recent))


def choose_line(
    pop: Layout,
    parts: tuple[np.ndarray, np.ndarray],
    old_parts: tuple[np.ndarray, np.ndarray],
    probs: np.ndarray,
    model: ScoringModel,
    options: RecalOptions,
    observed: Observed | None,
) -> tuple[int, Line, float]:
    """(where the fit puts the line, what qualifies after this run, the expected promote rate
    of the current leads that would qualify).

    The minimums are first carried over to the new points' scale, then lowered by the step
    where they keep out leads as good as those at the line, or where even the lowest line
    admits only leads promoted well above the target rate."""
    fit_part, eng_part = parts
    before = line_of(model)  # on the old points' scale, as `old_parts` are
    old = Line(before.mql, *_rescaled(old_parts, parts, before))
    aim, rate = _aim(fit_part, eng_part, probs, old, options.target_rate)
    minimums = _minimums(
        parts, probs, Line(aim, old.min_fit, old.min_engagement), options.step, options.target_rate
    )
    if rate > options.target_rate + BINDING and any(minimums):
        minimums = tuple(float(round(m * (1 - options.step))) for m in minimums)  # type: ignore[assignment]
    if minimums != (old.min_fit, old.min_engagement):
        aim, rate = _aim(fit_part, eng_part, probs, Line(old.mql, *minimums), options.target_rate)
    limit = options.max_threshold_step
    move = int(np.clip(round(options.step * (aim - round(old.mql))), -limit, limit))
    wanted = Line(max(1, round(old.mql) + move), *minimums)
    guards = _guards(pop, parts, old_parts, before, observed, options)
    new = _within(wanted, guards)
    if new[1] > 0 and minimums != (old.min_fit, old.min_engagement):
        kept = _within(Line(wanted.mql, old.min_fit, old.min_engagement), guards)
        new = min(new, kept, key=lambda found: found[1])
    above = pop.qualifies(fit_part, eng_part, new[0])
    return aim, new[0], float(probs[above].mean()) if above.any() else 0.0


def _rescaled(
    old_parts: tuple[np.ndarray, np.ndarray], parts: tuple[np.ndarray, np.ndarray], line: Line
) -> tuple[float, float]:
    """The minimums per dimension on the new points' scale: each keeps out as many of the
    current leads as it does under the old points (a minimum of 20 fit points means little once
    the fit rules' points have doubled or halved)."""
    out = []
    minimums = (line.min_fit, line.min_engagement)
    for before, after, minimum in zip(old_parts, parts, minimums, strict=True):
        passing = int((before >= minimum).sum())
        if minimum <= 0 or passing == 0 or len(after) == 0:
            out.append(float(minimum))
            continue
        ranked = np.sort(after)[::-1]
        out.append(float(max(0, int(np.floor(ranked[min(passing, len(ranked)) - 1])))))
    return out[0], out[1]


def _minimums(
    parts: tuple[np.ndarray, np.ndarray], probs: np.ndarray, line: Line, step: float, target: float
) -> tuple[float, float]:
    """The minimum points per dimension, each lowered by the step when the leads it alone
    keeps out (above the line, short of that minimum) are expected to be promoted at least as
    often as the lowest quarter of the leads that qualify (as the target, when hardly any do):
    such a minimum keeps out better leads than it lets in."""
    fit_part, eng_part = parts
    total = fit_part + eng_part
    qualifying = Layout.qualifies(fit_part, eng_part, line)
    marginal = target  # with (almost) nobody qualifying, the leads kept out meet the target
    if qualifying.sum() >= 4:
        cut = np.quantile(total[qualifying], 0.25)
        marginal = float(probs[qualifying & (total <= cut)].mean())
    out = []
    for own, other, own_min, other_min in (
        (fit_part, eng_part, line.min_fit, line.min_engagement),
        (eng_part, fit_part, line.min_engagement, line.min_fit),
    ):
        kept_out = (total >= line.mql) & (other >= other_min) & (own < own_min)
        if own_min > 0 and kept_out.sum() >= 10 and probs[kept_out].mean() >= marginal:
            own_min = float(round(own_min * (1 - step)))
        out.append(own_min)
    return out[0], out[1]


def _guards(
    pop: Layout,
    parts: tuple[np.ndarray, np.ndarray],
    old_parts: tuple[np.ndarray, np.ndarray],
    old: Line,
    observed: Observed | None,
    options: RecalOptions,
) -> list[Guard]:
    """The counts the run may change only so far: of all current leads (an approval rescores
    them all at once: only up) and of the newest fifth of them (the leads arriving now, whose
    MQLs are next week's: older leads, decided or decayed, would hide a jump among them)."""
    out: list[Guard] = []
    for n in (len(parts[0]), max(1, len(parts[0]) // 5)):
        before = int(pop.qualifies(old_parts[0][:n], old_parts[1][:n], old).sum())
        lo, hi = _volume_bounds(before, observed, options)
        if n == len(parts[0]):
            lo = 0.0  # older leads decay and get decided: only their flood is bounded
        out.append(((parts[0][:n], parts[1][:n]), (lo, hi)))
    return out


def _volume_bounds(
    before: int, observed: Observed | None, options: RecalOptions
) -> tuple[float, float]:
    """How many current leads may qualify after this run, given how many do now.

    The latest rate holds the count only when it misses the target by more than chance: a
    week of 250 MQLs promoted at exactly the target shows a rate 3 points off one week in
    three, and a hold on each such week kept the count at a tenth of the leads for weeks while
    the newly ranked ones would have met the target at twice that."""
    grow = 1.0 + options.max_volume_change
    lo = before * (1.0 - options.max_volume_drop)
    hi = max(before * grow, before + options.min_decisions * (grow - 1))
    if observed is None:
        return lo, hi
    t = options.target_rate
    margin = max(TOLERANCE, CHANCE * float(np.sqrt(t * (1 - t) / max(observed.n, 1))))
    if observed.rate < t - margin:
        hi = before  # the latest MQLs fell short: no more of them, whatever the fit says
    if observed.rate > t + margin:
        lo = before  # ...and when they beat it, no fewer
    return lo, hi


Guard = tuple[tuple[np.ndarray, np.ndarray], tuple[float, float]]  # leads' parts, count bounds


def _within(wanted: Line, guards: list[Guard]) -> tuple[Line, float]:
    """The line nearest `wanted` (same minimums) whose count of qualifying leads is within the
    bounds of every guard, or, when no line's is, the one whose counts come nearest; with how
    far off they are (0: within)."""
    ranked = []
    for (fit_part, eng_part), _ in guards:
        ok = (fit_part >= wanted.min_fit) & (eng_part >= wanted.min_engagement)
        ranked.append(np.sort((fit_part + eng_part)[ok])[::-1])

    def off(t: int) -> float:  # how far the counts at or above t lie outside the bounds
        far = 0.0
        for totals, (_, (lo, hi)) in zip(ranked, guards, strict=True):
            n = int(np.searchsorted(-totals, -t, side="right"))
            far = max(far, (lo - n) / max(lo, 1.0), (n - hi) / max(hi, 1.0))
        return far

    lines = {max(1, int(np.ceil(v))) for v in ranked[0]} | {max(1, round(wanted.mql))}
    best = min(lines, key=lambda t: (off(t), abs(t - wanted.mql), -t))
    return Line(best, wanted.min_fit, wanted.min_engagement), off(best)


def _aim(
    fit_part: np.ndarray, eng_part: np.ndarray, probs: np.ndarray, line: Line, target: float
) -> tuple[int, float]:
    """The lowest line whose leads at or above it are expected to be promoted at the target
    rate, and that rate; when none is, the line with the best expected rate."""
    total = fit_part + eng_part
    ok = (fit_part >= line.min_fit) & (eng_part >= line.min_engagement)
    best: tuple[float, int] | None = None
    for t in sorted({int(v) for v in np.ceil(total[ok])}):
        above = ok & (total >= t)
        if not above.any():
            continue
        rate = float(probs[above].mean())
        if rate >= target:
            return max(1, t), rate
        if best is None or rate > best[0]:
            best = (rate, t)
    return (max(1, best[1]), best[0]) if best is not None else (round(line.mql), 0.0)
