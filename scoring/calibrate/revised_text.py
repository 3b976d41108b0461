"""The proposed model file: the current file with its points, caps and threshold edited in
place (every comment and rule a person wrote stays), the new rules appended, each with the
evidence behind it as its comment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from scoring.calibrate.model_text import rule_table
from scoring.calibrate.recal_types import Revision
from scoring.loader import load_model
from scoring.model import EngagementRule, FitRule, ScoringModel
from scoring.toml_lines import TomlLines


def _number(key: str) -> re.Pattern[str]:
    return re.compile(rf"^(\s*{key}\s*=\s*)(-?\d+(?:\.\d+)?)")


class RevisionTextError(ValueError):
    """The model file is written in a way the revision cannot edit in place."""


def revised_text(
    text: str, model: ScoringModel, revision: Revision, header: Sequence[str], window_days: int
) -> str:
    lines = text.split("\n")
    where = TomlLines(text)
    new = {c.id: c.new for c in revision.changes}
    tables: list[tuple[str, Sequence[FitRule | EngagementRule]]] = [
        ("fit", model.fit_rules),
        ("engagement_rule", model.engagement_rules),
    ]
    for table, rules in tables:
        for i, rule in enumerate(rules, 1):
            if new.get(rule.id, rule.points) == rule.points:
                continue
            _set(lines, where.line((table, i, "points")), "points", new[rule.id])
            cap = getattr(rule, "cap", None)
            if cap is not None and rule.points != 0:
                scaled = max(1, round(cap * abs(new[rule.id]) / abs(rule.points)))
                _set(lines, where.line((table, i, "cap")), "cap", scaled)
    tail = _thresholds(lines, where, model, revision)
    taken = {r.id for _, rules in tables for r in rules}
    added: list[str] = []
    for proposed in revision.new_rules:
        cand = proposed.candidate
        rid = cand.id
        while rid in taken:
            rid += "_new"
        taken.add(rid)
        r = proposed.rates
        added += [
            "",
            f"# new: {r.with_n} decided lead(s) had it, {r.with_rate:.0%} of them promoted "
            f"(without it: {r.without_rate:.0%} of {r.without_n})",
            *rule_table(replace(cand, id=rid), proposed.points),
        ]
        if cand.kind == "engagement":
            # the rule was learned as "held at the decision or not": no decay, the window seen
            added += ["half_life_days = 0", f"window_days = {window_days}"]
    if added:
        added = ["", "# --- proposed by recalibration " + "-" * 60, *added]
    out = "\n".join([*(f"# {h}" for h in header), *([""] if header else []), *lines])
    out = out.rstrip("\n") + "\n" + "\n".join([*added, *tail]) + "\n"
    _check(out, revision)
    return out


def _thresholds(
    lines: list[str], where: TomlLines, model: ScoringModel, revision: Revision
) -> list[str]:
    """Edit the line and the minimums in place; the nurture band stays below the line. What
    the file does not write yet goes into a `[thresholds]` table at the end."""
    th = model.thresholds
    wanted = {
        "mql": (th.mql, revision.threshold_new),
        "min_fit": revision.min_fit,
        "min_engagement": revision.min_engagement,
        "nurture_min": (th.nurture_min, min(th.nurture_min, revision.threshold_new)),
    }
    missing = []
    for key, (old, new) in wanted.items():
        if old == new:
            continue
        found = where.line(("thresholds", key))
        if found is not None and _number(key).match(lines[found - 1]):
            _set(lines, found, key, new)
        else:
            missing.append(f"{key} = {_whole(new)}")
    if not missing:
        return []
    if where.line(("thresholds",)) is not None:
        raise RevisionTextError(
            f"the model file's [thresholds] does not write {', '.join(missing)} on lines of "
            "their own; add them there (as `key = N`) and recalibrate again"
        )
    return ["", "[thresholds]", *missing]


def _whole(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _set(lines: list[str], line: int | None, key: str, value: float) -> None:
    pattern = _number(key)
    if line is None or not pattern.match(lines[line - 1]):
        raise RevisionTextError(
            f"the model file gives `{key}` in a form recalibration cannot edit in place "
            f"(line {line}); write it as `{key} = N` on a line of its own"
        )
    lines[line - 1] = pattern.sub(
        lambda m: f"{m.group(1)}{_whole(value)}", lines[line - 1], count=1
    )


def _check(text: str, revision: Revision) -> None:
    model = load_model(text, source="proposed model")
    points = {r.id: r.points for r in model.fit_rules} | {
        r.id: r.points for r in model.engagement_rules
    }
    wrong = [c.id for c in revision.changes if points.get(c.id) != c.new]
    if wrong or round(model.thresholds.mql) != revision.threshold_new:
        raise RevisionTextError(f"the proposed file does not say what was fitted: {wrong}")
