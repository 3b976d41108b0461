"""The columns recalibration fits: the current rules (how much of each a lead had) and the
candidate rules from what the model does not use yet, for decided and for current leads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.calibrate.candidates import Candidate, fit_candidates
from scoring.calibrate.engagement import PAGE_VIEW, engagement_candidates
from scoring.calibrate.examples import Example, Options
from scoring.calibrate.features import matrix
from scoring.calibrate.recal_types import Current, Decided, Line, RecalOptions
from scoring.model import Labels, ScoringModel


@dataclass(frozen=True)
class RuleRef:
    id: str
    label: str
    dimension: str  # "fit" | "engagement"
    points: int
    labels: Labels = ()


def rules_of(model: ScoringModel) -> list[RuleRef]:
    return [RuleRef(r.id, r.label, "fit", r.points, r.labels) for r in model.fit_rules] + [
        RuleRef(r.id, r.label, "engagement", r.points, r.labels) for r in model.engagement_rules
    ]


@dataclass(frozen=True)
class Layout:
    rule_list: list[RuleRef]
    rules: np.ndarray  # leads × current rules: units
    cands: np.ndarray  # leads × candidates: 0/1
    cand_list: list[Candidate]

    @property
    def old_points(self) -> np.ndarray:
        return np.array([r.points for r in self.rule_list], dtype=float)

    def dimensions(
        self, rule_points: np.ndarray, cands: Sequence[Candidate], cand_points: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each lead's fit and engagement points under these points."""
        is_fit = np.array([r.dimension == "fit" for r in self.rule_list], dtype=bool)
        c_fit = np.array([c.kind == "fit" for c in cands], dtype=bool)
        rp = rule_points.astype(float)
        cp = cand_points.astype(float)
        fit = self.rules[:, is_fit] @ rp[is_fit] + self.cands[:, c_fit] @ cp[c_fit]
        eng = self.rules[:, ~is_fit] @ rp[~is_fit] + self.cands[:, ~c_fit] @ cp[~c_fit]
        return fit, eng

    @staticmethod
    def qualifies(fit: np.ndarray, eng: np.ndarray, line: Line) -> np.ndarray:
        return (fit + eng >= line.mql) & (fit >= line.min_fit) & (eng >= line.min_engagement)


def layout(
    model: ScoringModel,
    cands: Sequence[Candidate],
    rows: Sequence[Decided] | Sequence[Current],
    window_days: int,
) -> Layout:
    """Decided leads are looked at as of their decision, current ones as of now."""
    refs = rules_of(model)
    units = np.array([[row.units.get(r.id, 0.0) for r in refs] for row in rows], dtype=float)
    units = units.reshape(len(rows), len(refs))
    examples = [
        Example(row.facts, bool(getattr(row, "label", False)), row.events, row.at) for row in rows
    ]
    return Layout(refs, units, matrix(list(cands), examples, window_days), list(cands))


def candidates_for(
    model: ScoringModel, decided: Sequence[Decided], options: RecalOptions
) -> list[Candidate]:
    """Candidate rules of every attribute (the other values and ranges of those the model
    uses too: a market can favour software where the model only knows hospitality) and of the
    event types (and visited paths) the model does not use yet, built as calibration builds
    them, without looking at a label; one that picks the very leads a rule picks is left out."""
    support = Options().support(len(decided))
    names: dict[str, None] = {}
    for d in decided:
        names.update(dict.fromkeys(d.facts))
    pool = fit_candidates({n: [d.facts.get(n) for d in decided] for n in names}, support)
    if any(d.events for d in decided):
        examples = [Example(d.facts, d.label, d.events, d.at) for d in decided]
        engagement_candidates(pool, examples, options.window_days, support)
    cands = [c for c in pool.candidates if c.kind == "fit" or _new_engagement(model, c)]
    lay = layout(model, cands, decided, options.window_days)
    taken = {(lay.rules[:, j] > 0).tobytes() for j in range(lay.rules.shape[1])}
    return [c for j, c in enumerate(cands) if (lay.cands[:, j] > 0).tobytes() not in taken]


def _new_engagement(model: ScoringModel, cand: Candidate) -> bool:
    event = str(cand.spec["event"])
    rules = model.rules_for_event(event)
    if not rules:
        return True
    if event != PAGE_VIEW or "where" not in cand.spec:
        return False
    path = str(cand.spec["where"][0]["value"]).rstrip("*")
    # a path no page-view rule of the model looks at yet
    return not any(c.field == "url" and c.matches(path) for r in rules for c in r.where)


def line_of(model: ScoringModel) -> Line:
    th = model.thresholds
    return Line(th.mql, th.min_fit, th.min_engagement)
