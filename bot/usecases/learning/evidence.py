"""A revision as stored evidence (JSON, for Slack, the CLI and the digest) and its headline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from scoring.calibrate.recal_backtest import Backtest, Quality
from scoring.calibrate.recal_types import NewRule, Revision, RuleChange


def _quality(q: Quality | None) -> dict[str, Any] | None:
    return None if q is None else asdict(q)


def _changed(c: RuleChange) -> dict[str, Any]:
    return {
        "id": c.id,
        "label": c.label,
        "labels": dict(c.labels),
        "dimension": c.dimension,
        "old": c.old,
        "new": c.new,
        **asdict(c.rates),
    }


def _new(r: NewRule) -> dict[str, Any]:
    return {
        "id": r.candidate.id,
        "label": r.candidate.label,
        "labels": dict(r.candidate.labels),
        "dimension": r.candidate.kind,
        "points": r.points,
        **asdict(r.rates),
    }


def evidence(
    revision: Revision,
    test: Backtest,
    *,
    becoming: int,
    qualifying: int,
    looked_at: int,
    target: float,
    from_crm: int,
    recycle_weight: float,
    labels: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """`labels`: more about where the labels came from (from_ae, sent_back_weight,
    from_exploration)."""
    return {
        "decisions": revision.decisions,
        "positives": revision.positives,
        "negatives": revision.negatives,
        "from_crm": from_crm,
        "recycle_weight": recycle_weight,
        **(labels or {}),
        "rules": [_changed(c) for c in revision.changes],
        "new_rules": [_new(r) for r in revision.new_rules],
        "threshold": {
            "old": revision.threshold_old,
            "new": revision.threshold_new,
            "aim": revision.threshold_aim,
            "expected_rate": revision.expected_rate,
            "target": target,
            "min_fit": list(revision.min_fit),
            "min_engagement": list(revision.min_engagement),
        },
        "backtest": {
            "train": test.train,
            "test": test.test,
            "before": _quality(test.before),
            "after": _quality(test.after),
            "skipped": test.skipped,
        },
        "change": {"become_mql": becoming, "qualify": qualifying, "looked_at": looked_at},
    }


def changed_rules(ev: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in ev["rules"] if r["old"] != r["new"]]


def headline(ev: dict[str, Any]) -> str:
    """One line for the CLI and the stored row (Slack renders its own from the evidence)."""
    th = ev["threshold"]
    parts = [
        f"{len(changed_rules(ev))} rule(s) change",
        f"{len(ev['new_rules'])} new rule(s)",
        f"MQL line {th['old']} → {th['new']}",
    ]
    bt = ev["backtest"]
    if bt["before"] and bt["after"] and bt["before"]["auc"] is not None and bt["after"]["auc"]:
        parts.append(f"backtest AUC {bt['before']['auc']:.2f} → {bt['after']['auc']:.2f}")
    return f"From {ev['decisions']} decisions: " + ", ".join(parts)
