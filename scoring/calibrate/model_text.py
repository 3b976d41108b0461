"""The learned model as a commented model file that `scoring.loader` reads."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from scoring.calibrate.candidates import Candidate
from scoring.model import DEFAULT_FAST_TRACK


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # JSON's escapes are TOML's basic-string escapes
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


def rule_table(cand: Candidate, points: int) -> list[str]:
    """A rule's table: a count rule of one gives its points once (a cap of its own size)."""
    header = "[[fit]]" if cand.kind == "fit" else "[[engagement_rule]]"
    lines = [header, f'id = "{cand.id}"', f"label = {toml_value(cand.label)}"]
    if cand.labels:
        lines.append(f"labels = {toml_value(dict(cand.labels))}")
    spec = dict(cand.spec)
    count = spec.pop("min_count", None)
    for key, value in spec.items():
        lines.append(f"{key} = {toml_value(value)}")
    if count is not None:
        if count > 1:
            lines.append(f"min_count = {count}")
        else:
            lines.append(f"cap = {max(1, abs(points))}")
    lines.append(f"points = {points}")
    if cand.group is not None:
        lines.append(f"group = {toml_value(cand.group)}")
    return lines


def model_text(
    name: str,
    rules: Sequence[tuple[Candidate, int, str]],
    threshold: int,
    window_days: int,
    header: Sequence[str],
) -> str:
    """`rules` are (candidate, points, comment) in the order they are to be read."""
    out = [f"# {line}" if line else "#" for line in header]
    out += [
        "",
        "[model]",
        f"name = {toml_value(name)}",
        "",
        "[thresholds]",
        f"mql = {threshold}",
        "min_fit = 0          # learned points are not split into minimums per dimension",
        "min_engagement = 0",
        f"nurture_min = {min(30, threshold)}",
        "",
        "[engagement]",
        "half_life_days = 0   # learned counts hold or not at the moment a lead is scored",
        f"window_days = {window_days}",
        "",
        "[fast_track]",
        f"events = {toml_value(list(DEFAULT_FAST_TRACK))}",
        "hold_days = 14",
    ]
    for kind, title in (("fit", "fit: who the lead is"), ("engagement", "engagement: what it did")):
        chosen = [r for r in rules if r[0].kind == kind]
        if not chosen:
            continue
        out += ["", f"# --- {title} " + "-" * max(3, 88 - len(title))]
        for cand, points, comment in chosen:
            out += ["", f"# {comment}", *rule_table(cand, points)]
    return "\n".join(out) + "\n"
