"""The examples as a 0/1 matrix, one column per candidate, evaluated by the very conditions and
the very engine that will score leads later: the points fitted are the points scored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from scoring.calibrate.candidates import Candidate
from scoring.calibrate.engagement import moment, visible
from scoring.calibrate.examples import Example
from scoring.calibrate.model_text import rule_table
from scoring.conditions import parse_condition
from scoring.engine import Event, score_events
from scoring.loader import load_model
from scoring.model import FastTrack, ScoringModel


def fit_matrix(candidates: Sequence[Candidate], examples: Sequence[Example]) -> np.ndarray:
    """Fit columns: each condition asked once per distinct value, not once per lead."""
    out = np.zeros((len(examples), len(candidates)), dtype=np.float64)
    by_field: dict[str, list[int]] = {}
    for j, cand in enumerate(candidates):
        by_field.setdefault(str(cand.spec["field"]), []).append(j)
    for name, cols in by_field.items():
        codes, distinct = _codes([ex.facts.get(name) for ex in examples])
        for j in cols:
            cond = parse_condition(dict(candidates[j].spec), require_field=True)
            hits = np.array([cond.matches(v) for v in distinct], dtype=np.float64)
            out[:, j] = hits[codes]
    return out


def _codes(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    index: dict[Any, int] = {}
    distinct: list[Any] = []
    codes = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        key = (type(v), v) if not isinstance(v, list | dict) else (str, repr(v))
        code = index.get(key)
        if code is None:
            code = index[key] = len(distinct)
            distinct.append(v)
        codes[i] = code
    return codes, distinct


def engagement_model(candidates: Sequence[Candidate], window_days: int) -> ScoringModel:
    """The engagement candidates as a model of one point each (a count rule's point once its
    count is reached), no decay, the model's window: which rules hold, and nothing else."""
    lines = ["[model]", 'name = "candidates"', "[engagement]", "half_life_days = 0"]
    lines.append(f"window_days = {window_days}")
    for cand in candidates:
        lines.extend(rule_table(cand, 1))
    model = load_model("\n".join(lines) + "\n", source="candidates")
    return ScoringModel(
        model.name, (), model.engagement_rules, model.thresholds, model.grades, FastTrack((), 0)
    )


def engagement_matrix(
    candidates: Sequence[Candidate], examples: Sequence[Example], window_days: int
) -> np.ndarray:
    out = np.zeros((len(examples), len(candidates)), dtype=np.float64)
    if not candidates:
        return out
    model = engagement_model(candidates, window_days)
    column = {c.id: j for j, c in enumerate(candidates)}
    for i, example in enumerate(examples):
        at = moment(example)
        events: list[Event] = visible(example, window_days)
        if at is None or not events:
            continue
        result, _ = score_events(model, {}, events, at)
        for line in result.lines:
            out[i, column[line.rule_id]] = 1.0
    return out


def matrix(
    candidates: Sequence[Candidate], examples: Sequence[Example], window_days: int
) -> np.ndarray:
    """Columns in the order of `candidates`."""
    fit = [c for c in candidates if c.kind == "fit"]
    eng = [c for c in candidates if c.kind == "engagement"]
    parts = {c.id: j for j, c in enumerate(fit)}
    fx = fit_matrix(fit, examples)
    ex = engagement_matrix(eng, examples, window_days)
    out = np.zeros((len(examples), len(candidates)), dtype=np.float64)
    eng_col = {c.id: j for j, c in enumerate(eng)}
    for j, cand in enumerate(candidates):
        out[:, j] = fx[:, parts[cand.id]] if cand.kind == "fit" else ex[:, eng_col[cand.id]]
    return out
