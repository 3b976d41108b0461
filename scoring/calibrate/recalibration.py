"""Recalibration from SDR decisions: the current rules' points refitted, pulled towards what
they are now, new rules from attributes and events the model does not use yet, and a threshold
that puts the expected promote rate of the MQLs at the target.

Each run moves the threshold `step` of the way to the fitted one, and each rule's points at
least that share of the way, more as the decisions rather than the prior settle the rule: the
decisions of next week come from leads this week's model chose, and a rule the decisions say
little about would otherwise swing with each week's selection.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scoring.calibrate.candidates import Candidate
from scoring.calibrate.penalised import PriorFit, fit_towards, slope
from scoring.calibrate.recal_features import Layout, candidates_for, layout
from scoring.calibrate.recal_line import choose_line, latest_rate
from scoring.calibrate.recal_types import (
    Current,
    Decided,
    NewRule,
    NotEnough,
    Rates,
    RecalOptions,
    Revision,
    RuleChange,
)
from scoring.model import ScoringModel

MIN_SLOPE = 0.005  # log-odds per point: a score the decisions do not confirm still has a scale


def check_enough(decided: Sequence[Decided], options: RecalOptions) -> None:
    n = len(decided)
    pos = sum(1 for d in decided if d.label)
    neg = n - pos
    missing = []
    if n < options.min_decisions:
        missing.append(f"{options.min_decisions - n} more decision(s)")
    if pos < options.min_each:
        missing.append(f"{options.min_each - pos} more promote(s)")
    if neg < options.min_each:
        missing.append(f"{options.min_each - neg} more recycle(s) or disqualification(s)")
    if missing:
        raise NotEnough(
            f"{n} decision(s) so far ({pos} promoted, {neg} recycled or disqualified); a "
            f"proposal needs at least {options.min_decisions}, with at least {options.min_each} "
            f"promoted and {options.min_each} not: {', '.join(missing)}"
        )


def revise(
    model: ScoringModel,
    decided: Sequence[Decided],
    current: Sequence[Current],
    options: RecalOptions,
) -> Revision:
    check_enough(decided, options)
    y = np.array([1.0 if d.label else 0.0 for d in decided])
    w = np.array([d.weight for d in decided], dtype=float)
    cands = candidates_for(model, decided, options)
    lay = layout(model, cands, decided, options.window_days)
    p_old = lay.old_points
    beta = max(MIN_SLOPE, float(slope(lay.rules @ p_old, y, w).coef[0]))
    strength = _strength(np.hstack([lay.rules, lay.cands]), y, w, options)
    full = fit_towards(
        np.hstack([lay.rules, lay.cands]), y, w, np.r_[beta * p_old, np.zeros(len(cands))], strength
    )
    kept = _chosen(full, lay, (y, w, strength[len(p_old) :]), cands, beta, options)
    refit = fit_towards(
        np.hstack([lay.rules, lay.cands[:, kept]]),
        y,
        w,
        np.r_[beta * p_old, np.zeros(len(kept))],
        np.r_[strength[: len(p_old)], strength[len(p_old) :][kept]],
    )
    r = len(p_old)
    fitted = refit.coef / beta
    steps = _steps(refit, np.r_[strength[:r], strength[r:][kept]], options.step)
    new_rule_pts = np.round(p_old + steps[:r] * (fitted[:r] - p_old)).astype(int)
    new_cand_pts = np.round(steps[r:] * fitted[r:]).astype(int)
    chosen = [cands[j] for j in kept]
    pop = layout(model, chosen, current or decided, options.window_days)
    probs = _chances(refit, np.hstack([lay.rules, lay.cands[:, kept]]), y, pop)
    old_t = round(model.thresholds.mql)
    aim, new_line, expected = choose_line(
        pop,
        pop.dimensions(new_rule_pts, chosen, new_cand_pts),
        pop.dimensions(p_old, chosen, np.zeros(len(chosen))),
        probs,
        model,
        options,
        latest_rate(decided, options.holdout),
    )
    changes, new_rules = _described(lay, y, new_rule_pts, (chosen, new_cand_pts, kept))
    pos, th = int(y.sum()), model.thresholds
    return Revision(
        *(changes, new_rules, old_t, round(new_line.mql), aim, expected),
        *(len(y), pos, len(y) - pos),
        (th.min_fit, new_line.min_fit),
        (th.min_engagement, new_line.min_engagement),
    )


def _described(
    lay: Layout,
    y: np.ndarray,
    rule_pts: np.ndarray,
    new: tuple[list[Candidate], np.ndarray, list[int]],
) -> tuple[list[RuleChange], list[NewRule]]:
    """The current rules' old and new points and the new rules, each with its evidence."""
    chosen, cand_pts, kept = new
    changes = [
        RuleChange(
            r.id, r.label, r.dimension, r.points, int(pts), _rates(lay.rules[:, j], y), r.labels
        )
        for j, (r, pts) in enumerate(zip(lay.rule_list, rule_pts, strict=True))
    ]
    new_rules = [
        NewRule(cand, int(pts), _rates(lay.cands[:, j], y))
        for cand, pts, j in zip(chosen, cand_pts, kept, strict=True)
        if pts != 0
    ]
    return changes, new_rules


def _chances(refit: PriorFit, seen: np.ndarray, y: np.ndarray, pop: Layout) -> np.ndarray:
    """Each current lead's chance of being promoted, each decision counting once.

    The fit weighs a recycle as half a "no", which serves the points (a recycle says less
    than a disqualification) but overstates how often leads are promoted: the line is set on
    these chances, rescaled to the decisions as they were."""
    z = refit.logits(seen)
    calibration = slope(z, y, np.ones_like(y))
    out = calibration.logits(refit.logits(np.hstack([pop.rules, pop.cands]))[:, None])
    return np.asarray(1.0 / (1.0 + np.exp(-out)))


def _steps(refit: PriorFit, strength: np.ndarray, step: float) -> np.ndarray:
    """The share of the way to the fitted points each rule moves: `step` where the prior (the
    current points) still supplies most of what is known about it, all the way as the
    decisions come to outweigh it. The fit itself is already pulled towards the current
    points by as much as the evidence is thin; damping a rule that thousands of decisions
    have settled by half again only leaves it half-learned for another run."""
    prior_share = np.clip(strength * refit.stderr**2, 0.0, 1.0)
    return step + (1.0 - step) * (1.0 - prior_share)


def _strength(x: np.ndarray, y: np.ndarray, w: np.ndarray, options: RecalOptions) -> np.ndarray:
    """The prior's pull per column, worth `prior_strength` decisions of evidence about it: 40
    decisions move a rule about half-way to what they say, 400 nearly all the way."""
    rate = float(np.clip(np.average(y, weights=w), 0.05, 0.95))
    mean_square = np.maximum((x**2).mean(axis=0), 0.05) if len(x) else np.ones(x.shape[1])
    return options.prior_strength * rate * (1 - rate) * mean_square


def _chosen(
    full: PriorFit,
    lay: Layout,
    data: tuple[np.ndarray, np.ndarray, np.ndarray],
    cands: Sequence[Candidate],
    beta: float,
    options: RecalOptions,
) -> list[int]:
    """New rules worth proposing: far enough from nothing, worth a few points, a few per
    attribute or event type (the values of one attribute exclude each other), the clearest
    first.

    Each candidate is judged by what it adds to the current score, one at a time: in the joint
    fit the values of one attribute (every industry, and "no industry") add up to the
    intercept, which inflates each one's standard error until no value, however clear, passes.
    """
    y, w, strength = data
    score = lay.rules @ lay.old_points
    best: dict[str, list[tuple[float, int]]] = {}
    for j, cand in enumerate(cands):
        alone = fit_towards(
            np.column_stack([score, lay.cands[:, j]]),
            y,
            w,
            np.array([beta, 0.0]),
            np.array([1e-3, strength[j]]),
        )
        coef, err = float(alone.coef[1]), float(alone.stderr[1])
        z = abs(coef) / err if err > 0 else 0.0
        if z < options.z or abs(coef / beta) * options.step < options.min_points:
            continue
        if np.sign(full.coef[lay.rules.shape[1] + j]) != np.sign(coef):
            continue  # what it adds alone the others explain, and more
        key = cand.group or str(cand.spec.get("event"))
        best.setdefault(key, []).append((z, j))
    ranked = sorted(
        (
            found
            for group in best.values()
            for found in sorted(group)[::-1][: options.per_attribute]
        ),
        reverse=True,
    )[: options.max_new_rules]
    return sorted(j for _, j in ranked)


def _rates(column: np.ndarray, y: np.ndarray) -> Rates:
    has = column > 0
    n_with, n_without = int(has.sum()), int((~has).sum())
    return Rates(
        n_with,
        float(y[has].mean()) if n_with else 0.0,
        n_without,
        float(y[~has].mean()) if n_without else 0.0,
    )
