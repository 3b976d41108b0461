"""Recording a model file's mistakes: each with its place for people and its line in the text."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from scoring.model import Issue
from scoring.toml_lines import TomlLines, TomlPath


@dataclass(frozen=True)
class Where:
    """A place in the model: `label` names it in messages, `path` finds its line in the text."""

    label: str
    path: TomlPath = ()


class Checks:
    """The shared checks: record a mistake, read a number, report unknown keys.

    Every mistake is recorded and checking goes on, so that one run of `sdrbot model validate`
    lists everything to fix.
    """

    def __init__(self, issues: list[Issue], text: str) -> None:
        self.issues = issues
        self.text = text
        # every valid rule id seen with its rule, including rules with other mistakes
        self.ids: list[tuple[str, Where]] = []

    @cached_property
    def _lines(self) -> TomlLines:
        # only read when there is a mistake to place: a valid model costs nothing extra
        return TomlLines(self.text)

    def err(self, where: Where, fld: str, message: str, *, key: TomlPath | None = None) -> None:
        """Record a mistake in `fld` of `where`; `key` is its path below `where` when that is
        not simply the field's name (a filter of a `where` list, a grade in an inline table)."""
        below = key if key is not None else (fld,) if fld else ()
        self.issues.append(Issue(where.label, fld, message, self._lines.line(where.path + below)))

    def number(
        self,
        table: dict[str, Any],
        key: str,
        where: Where,
        default: float,
        *,
        minimum: float | None = None,
        integer: bool = False,
    ) -> float:
        if key not in table:
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.err(where, key, f"expected a number, got {value!r}")
            return default
        if integer and not isinstance(value, int):
            self.err(where, key, f"expected a whole number, got {value!r}")
            return default
        if minimum is not None and value < minimum:
            self.err(where, key, f"must be at least {minimum:g}, got {value!r}")
            return default
        return value

    def unknown_keys(self, table: dict[str, Any], allowed: set[str], where: Where) -> None:
        for key in sorted(set(table) - allowed):
            self.err(where, key, f"unknown setting; allowed here: {', '.join(sorted(allowed))}")
