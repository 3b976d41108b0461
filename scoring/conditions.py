"""Conditions over one value: the operators of fit rules and of event property filters.

Text comparisons ignore case, because CRM data and form input never agree on it.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any
from urllib.parse import urlsplit

MEMO_LIMIT = 50_000

OPERATORS = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "contains",
    "regex",
    "glob",
    "range",
    "is_set",
    "is_empty",
)


class ConditionError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any = None
    values: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    _test: Callable[[Any], bool] = dc_field(default=lambda v: False, repr=False, compare=False)
    # the same URLs, forms and asset types recur across a million events: remember the answers
    _memo: dict[Any, bool] = dc_field(default_factory=dict, repr=False, compare=False)

    def matches(self, value: Any) -> bool:
        memo = self._memo
        try:
            return memo[value]
        except KeyError:
            if len(memo) > MEMO_LIMIT:
                memo.clear()
            result = memo[value] = self._test(value)
            return result
        except TypeError:  # unhashable (a list or dict property)
            return self._test(value)

    def describe(self) -> str:
        if self.op in ("in", "not_in"):
            return f"{self.field} {self.op} {list(self.values)}"
        if self.op == "range":
            return f"{self.field} in range {self.low}..{self.high}"
        if self.op in ("is_set", "is_empty"):
            return f"{self.field} {self.op}"
        return f"{self.field} {self.op} {self.value!r}"


def is_empty(value: Any) -> bool:
    """None, a blank string, or an empty list/dict: nothing is known about the field."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | dict | set | frozenset) and not value


_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def _text(value: Any) -> str:
    """The form two values are compared in: trimmed, case-folded, numbers canonical.

    120, 120.0, "120" and " 120.0 " all compare equal, so a company size imported as text
    still matches `value = 120`.
    """
    if isinstance(value, str):
        text = value.strip()
        if _DECIMAL.match(text):
            value = float(text)
        else:
            return text.casefold()
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip().casefold()


def as_number(value: Any) -> float | None:
    """A finite number from an int, float or numeric text ("1,200" and " 120 " work); else None."""
    if isinstance(value, bool):
        return None
    number: float
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _plain(value: Any) -> str:
    """A value as text for regex and glob: trimmed, whole floats without '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


CONDITION_KEYS = frozenset({"field", "op", "value", "values", "min", "max"})


def parse_condition(raw: dict[str, Any], *, require_field: bool) -> Condition:
    """Build a condition from its TOML table; raise ConditionError naming the bad key."""
    name = raw.get("field")
    if require_field and (not isinstance(name, str) or not name.strip()):
        raise ConditionError("field", 'name the attribute to test, e.g. field = "title"')
    name = str(name).strip()
    op = raw.get("op", "equals")
    if op not in OPERATORS:
        raise ConditionError("op", f"unknown operator {op!r}; use one of {', '.join(OPERATORS)}")
    return _BUILDERS[op](name, op, raw)


def _comparison(name: str, op: str, raw: dict[str, Any]) -> Condition:
    """equals, not_equals and contains: one value, compared as canonical text."""
    value = raw.get("value")
    if value is None or isinstance(value, list | dict):
        raise ConditionError("value", f"operator '{op}' needs one value, e.g. value = \"ceo\"")
    if isinstance(value, str) and not value.strip():
        raise ConditionError(
            "value",
            f"operator '{op}' needs a non-empty value; to test "
            'for a missing value use op = "is_empty" or "is_set"',
        )
    needle = _text(value)
    if op == "equals":
        test: Callable[[Any], bool] = lambda v: not is_empty(v) and _text(v) == needle
    elif op == "not_equals":
        test = lambda v: is_empty(v) or _text(v) != needle
    else:
        test = lambda v: not is_empty(v) and needle in _text(v)
    return Condition(name, op, value=value, _test=test)


def _membership(name: str, op: str, raw: dict[str, Any]) -> Condition:
    """in and not_in: a list of values (`values`, or `value` holding a list)."""
    values = raw.get("values", raw.get("value"))
    if not isinstance(values, list) or not values:
        raise ConditionError(
            "values",
            f'operator \'{op}\' needs a list, e.g. values = ["Hospitality", "Restaurants"]',
        )
    wanted = frozenset(_text(v) for v in values)
    if op == "in":
        test: Callable[[Any], bool] = lambda v: not is_empty(v) and _text(v) in wanted
    else:
        test = lambda v: is_empty(v) or _text(v) not in wanted
    return Condition(name, op, values=tuple(values), _test=test)


def _regex(name: str, op: str, raw: dict[str, Any]) -> Condition:
    pattern = raw.get("value")
    if not isinstance(pattern, str) or not pattern:
        raise ConditionError(
            "value",
            "operator 'regex' needs a pattern, e.g. value = \"\\\\b(ceo|founder)\\\\b\"",
        )
    try:
        rx = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ConditionError(
            "value", f"the regular expression {pattern!r} is invalid: {exc}"
        ) from exc
    return Condition(
        name,
        op,
        value=pattern,
        _test=lambda v: not is_empty(v) and rx.search(_plain(v)) is not None,
    )


def _glob(name: str, op: str, raw: dict[str, Any]) -> Condition:
    pattern = raw.get("value")
    if not isinstance(pattern, str) or not pattern:
        raise ConditionError("value", "operator 'glob' needs a pattern, e.g. value = \"/pricing*\"")
    pat = pattern.casefold()

    def test(v: Any) -> bool:
        if is_empty(v):
            return False
        text = _plain(v).casefold()
        if fnmatch.fnmatchcase(text, pat):
            return True
        # a URL pattern like "/pricing*" is meant for the path, whatever the host and query
        if pat.startswith("/"):
            url = text if "://" in text or text.startswith("/") else "//" + text
            try:
                path = urlsplit(url).path or "/"
            except ValueError:  # e.g. a malformed IPv6 host
                return False
            return fnmatch.fnmatchcase(path, pat)
        return False

    return Condition(name, op, value=pattern, _test=test)


def _range(name: str, op: str, raw: dict[str, Any]) -> Condition:
    low, high = raw.get("min"), raw.get("max")
    for key, bound in (("min", low), ("max", high)):
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int | float)):
            raise ConditionError(key, f"expected a number, got {bound!r}")
    if low is None and high is None:
        raise ConditionError(
            "min", "operator 'range' needs min, max or both, e.g. min = 50, max = 200"
        )
    if low is not None and high is not None and low > high:
        raise ConditionError("max", f"max ({high}) is below min ({low})")
    lo = float(low) if low is not None else None
    hi = float(high) if high is not None else None

    def test(v: Any) -> bool:
        n = as_number(v)
        return n is not None and (lo is None or n >= lo) and (hi is None or n <= hi)

    return Condition(name, op, low=lo, high=hi, _test=test)


def _presence(name: str, op: str, raw: dict[str, Any]) -> Condition:
    """is_set and is_empty: no value to read."""
    return Condition(name, op, _test=(lambda v: not is_empty(v)) if op == "is_set" else is_empty)


_BUILDERS: dict[str, Callable[[str, str, dict[str, Any]], Condition]] = {
    "equals": _comparison,
    "not_equals": _comparison,
    "contains": _comparison,
    "in": _membership,
    "not_in": _membership,
    "regex": _regex,
    "glob": _glob,
    "range": _range,
    "is_set": _presence,
    "is_empty": _presence,
}
assert set(_BUILDERS) == set(OPERATORS)
