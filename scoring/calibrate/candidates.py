"""Candidate rules from the examples' attributes and events, before any label is looked at.

Fit: per attribute, its values with enough support (case and spaces folded; rare values are
pooled, they get no rule), or ranges for numbers, and empty / not empty; the rules of one
attribute exclude each other and share a `group`. Engagement: per event type, "at least k in
the window" for a few counts k, and for page views the URL paths many leads visited.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scoring.calibrate.binning import Range, ranges
from scoring.calibrate.phrases import phrase, split
from scoring.conditions import _text, as_number, is_empty
from scoring.model import Labels

NUMERIC_SHARE = 0.95  # of the filled values, for an attribute to be taken as a number
MIN_DISTINCT_NUMBERS = 8  # fewer distinct numbers are treated as values (0/1, ratings 1–5)
COUNTS = (1, 2, 3, 5, 10)


@dataclass(frozen=True)
class Candidate:
    id: str
    label: str
    kind: str  # "fit" | "engagement"
    spec: Mapping[str, Any]  # the rule's TOML keys besides id, label(s) and points
    group: str | None = None
    labels: Labels = ()  # `label` in the other languages (scoring.calibrate.phrases)


@dataclass
class Skipped:
    field: str
    reason: str


@dataclass
class Pool:
    """Candidates and what was left out, with why."""

    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    _ids: set[str] = field(default_factory=set)

    def add(
        self,
        stem: str,
        labels: Mapping[str, str],
        kind: str,
        spec: dict[str, Any],
        group: str | None,
    ) -> None:
        """`labels`: the rule's label in each language (`scoring.calibrate.phrases.phrase`)."""
        base = _slug(stem)
        rid, n = base, 2
        while rid in self._ids:
            rid, n = f"{base}_{n}", n + 1
        self._ids.add(rid)
        label, others = split(labels)
        self.candidates.append(Candidate(rid, label, kind, spec, group, others))


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")[:48].strip("_")
    return slug if slug and slug[0].isalnum() else f"r_{slug}"


def fit_candidates(columns: Mapping[str, Sequence[Any]], support: int) -> Pool:
    """Candidates for every attribute; `columns` holds each attribute's value per example."""
    pool = Pool()
    for name, values in columns.items():
        filled = [v for v in values if not is_empty(v)]
        empty = len(values) - len(filled)
        if _personal(name):  # whether it was given may say something; its value does not
            before = len(pool.candidates)
            _presence(pool, name, empty, len(filled), support, False)
            if len(pool.candidates) == before:
                pool.skipped.append(Skipped(name, PERSONAL))
            continue
        if not filled:
            pool.skipped.append(Skipped(name, "is empty in every row"))
            continue
        folded = Counter(_text(v) for v in filled)
        if len(folded) == 1 and empty == 0:
            pool.skipped.append(Skipped(name, f"has the one value {filled[0]!r} in every row"))
            continue
        before = len(pool.candidates)
        if is_numeric(values):
            numbers = [n for v in filled if (n := as_number(v)) is not None]
            _numeric(pool, name, np.array(numbers, dtype=float), support)
        else:
            _categorical(pool, name, filled, folded, support, empty)
        _presence(pool, name, empty, len(filled), support, len(pool.candidates) > before)
        if len(pool.candidates) == before:
            pool.skipped.append(Skipped(name, _why_none(folded, empty, len(values), support)))
    return pool


# A person's name or how to reach them says nothing about whether a lead buys, but a common
# surname among a few thousand leads converts above the rate by chance often enough to be fitted.
_PERSONAL = {
    "firstname",
    "lastname",
    "surname",
    "fullname",
    "name",
    "email",
    "emailaddress",
    "phone",
    "phonenumber",
    "mobile",
    "vorname",
    "nachname",
    "telefon",
}
PERSONAL = (
    "names a person or how to reach them: its values say nothing about whether a lead buys, "
    "and it is given in (nearly) every row"
)


def _personal(column: str) -> bool:
    return "".join(c for c in column.casefold() if c.isalnum()) in _PERSONAL


def _why_none(folded: Counter[str], empty: int, rows: int, support: int) -> str:
    top = max([*folded.values(), empty])
    if top > rows - support:
        return f"all but {rows - top} row(s) have the same value: too few to learn from"
    return f"no value is shared by {support} or more leads (all are rare)"


def is_numeric(values: Sequence[Any]) -> bool:
    """Numbers in nearly every filled row, and enough distinct ones to make ranges of."""
    filled = [v for v in values if not is_empty(v)]
    numbers = [n for v in filled if (n := as_number(v)) is not None]
    return (
        bool(filled)
        and len(numbers) >= NUMERIC_SHARE * len(filled)
        and len(set(numbers)) >= MIN_DISTINCT_NUMBERS
    )


def _numeric(pool: Pool, name: str, numbers: np.ndarray, support: int) -> None:
    for rng in ranges(numbers, max_bins=_bins(numbers.size, support)):
        spec: dict[str, Any] = {"field": name, "op": "range"}
        if rng.low is not None:
            spec["min"] = _number(rng.low)
        if rng.high is not None:
            spec["max"] = _number(rng.high)
        pool.add(f"{name}_{rng.label()}", _range_labels(name, rng), "fit", spec, _slug(name))


def _range_labels(name: str, rng: Range) -> dict[str, str]:
    if rng.low is None:
        assert rng.high is not None
        return phrase("up_to", field=name, high=rng.high)
    if rng.high is None:
        return phrase("or_more", field=name, low=rng.low)
    if rng.low == rng.high:
        return phrase("exactly", field=name, low=rng.low)
    return phrase("between", field=name, low=rng.low, high=rng.high)


def _bins(count: int, support: int) -> int:
    return max(2, min(8, count // max(1, support)))


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _categorical(
    pool: Pool,
    name: str,
    filled: Sequence[Any],
    folded: Counter[str],
    support: int,
    empty_count: int,
) -> None:
    spelling: dict[str, Counter[str]] = {}
    for v in filled:
        spelling.setdefault(_text(v), Counter())[str(v).strip()] += 1
    # a value nearly every lead has tells them apart no better than one nearly none has
    total = len(filled) + empty_count
    kept = [key for key, n in folded.most_common() if support <= n <= total - support]
    # a yes/no attribute needs one rule: the other value is what remains
    if len(folded) == 2 and len(kept) == 2:
        kept = kept[1:]
    for key in kept:
        shown = spelling[key].most_common(1)[0][0]
        value: Any = _typed(shown)
        pool.add(
            f"{name}_{shown}",
            phrase("equals", field=name, value=shown),
            "fit",
            {"field": name, "op": "equals", "value": value},
            _slug(name),
        )


def _typed(text: str) -> Any:
    number = as_number(text)
    if number is not None and "," not in text:
        return int(number) if number.is_integer() else number
    return text


def _presence(
    pool: Pool, name: str, empty: int, filled: int, support: int, has_values: bool
) -> None:
    if support <= empty <= empty + filled - support:
        labels = phrase("empty", field=name)
        pool.add(f"{name}_empty", labels, "fit", {"field": name, "op": "is_empty"}, _slug(name))
    # with values of its own an attribute's "set" is their sum; alone it is the signal
    if not has_values and filled >= support and empty >= support:
        labels = phrase("given", field=name)
        pool.add(f"{name}_set", labels, "fit", {"field": name, "op": "is_set"}, _slug(name))
