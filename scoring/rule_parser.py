"""Parsing the rule tables of a model file ([[fit]], [[engagement_rule]], `where` filters).

Every mistake is recorded with its rule, field and line (see `scoring.checks`).
"""

from __future__ import annotations

import re
from typing import Any

from scoring.checks import Checks, Where
from scoring.conditions import CONDITION_KEYS, Condition, ConditionError, parse_condition
from scoring.model import CANONICAL_EVENT_TYPES, LABEL_LOCALES, EngagementRule, FitRule, Labels
from scoring.toml_lines import TomlPath

_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
FIT_KEYS = {
    "id",
    "label",
    "labels",
    "field",
    "op",
    "value",
    "values",
    "min",
    "max",
    "points",
    "group",
}
ENG_KEYS = {
    "id",
    "label",
    "labels",
    "event",
    "where",
    "points",
    "cap",
    "min_count",
    "distinct_days",
    "window_days",
    "half_life_days",
}


class RuleParser(Checks):
    """[[fit]] and [[engagement_rule]] tables into rules."""

    def _rule_header(
        self, raw: Any, kind: str, index: int, allowed: set[str]
    ) -> tuple[str, Where, dict[str, Any]] | None:
        where = Where(f"{kind} #{index}", (kind, index))
        if not isinstance(raw, dict):
            self.err(where, "", f"must be a table ([[{kind}]])")
            return None
        rid = raw.get("id")
        if not isinstance(rid, str) or not _RULE_ID.match(rid):
            self.err(
                where,
                "id",
                "every rule needs an id of lowercase letters, digits, '_' or "
                f"'-', e.g. id = \"role_ceo\"; got {rid!r}",
            )
            rid = f"#{index}"
        else:
            where = Where(f"{kind} '{rid}' (#{index})", where.path)
            self.ids.append((rid, where))
        self.unknown_keys(raw, allowed, where)
        return rid, where, raw

    def points(self, raw: dict[str, Any], where: Where) -> int:
        value = raw.get("points")
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(where, "points", f"expected whole points such as 20 or -5, got {value!r}")
            return 0
        return value

    def fit_rules(self, raws: Any) -> list[FitRule]:
        if not isinstance(raws, list):
            self.err(Where("[[fit]]", ("fit",)), "", "fit rules must be written as [[fit]] tables")
            return []
        rules = []
        for i, raw in enumerate(raws, 1):
            header = self._rule_header(raw, "fit", i, FIT_KEYS)
            if header is None:
                continue
            rid, where, raw = header
            points = self.points(raw, where)
            try:
                cond = parse_condition(raw, require_field=True)
            except ConditionError as exc:
                self.err(where, exc.field, exc.message)
                continue
            group = raw.get("group")
            if group is not None and not isinstance(group, str):
                self.err(
                    where,
                    "group",
                    "expected a name; rules of one group count only once (the best match)",
                )
                group = None
            label = str(raw.get("label") or _default_label(cond))
            rules.append(FitRule(rid, label, cond, points, group, self.labels(raw, where)))
        return rules

    def engagement_rules(self, raws: Any, half_life: float, window: int) -> list[EngagementRule]:
        if not isinstance(raws, list):
            self.err(
                Where("[[engagement_rule]]", ("engagement_rule",)),
                "",
                "write engagement rules as [[engagement_rule]]",
            )
            return []
        rules = []
        for i, raw in enumerate(raws, 1):
            header = self._rule_header(raw, "engagement_rule", i, ENG_KEYS)
            if header is None:
                continue
            rid, where, raw = header
            event = raw.get("event")
            if not isinstance(event, str) or not event.strip():
                self.err(
                    where,
                    "event",
                    "name the event type this rule counts, e.g. "
                    f'event = "page_view" (canonical: {", ".join(CANONICAL_EVENT_TYPES)})',
                )
                event = ""
            points = self.points(raw, where)
            conds = self.where_clause(raw.get("where"), where)
            cap = self.cap(raw, where)
            min_count = int(self.number(raw, "min_count", where, 1, minimum=1, integer=True))
            distinct = raw.get("distinct_days", False)
            if not isinstance(distinct, bool):
                self.err(where, "distinct_days", "expected true or false")
                distinct = False
            rule_window = int(
                self.number(raw, "window_days", where, window, minimum=0, integer=True)
            )
            rule_half = self.number(raw, "half_life_days", where, half_life, minimum=0)
            if (min_count > 1 or distinct) and cap is not None:
                self.err(where, "cap", "a rule with min_count gives its points once; drop cap")
            label = str(raw.get("label") or event.replace("_", " "))
            rules.append(
                EngagementRule(
                    rid,
                    label,
                    event.strip(),
                    conds,
                    points,
                    cap,
                    min_count,
                    distinct,
                    rule_window,
                    rule_half,
                    self.labels(raw, where),
                )
            )
        return rules

    def labels(self, raw: dict[str, Any], where: Where) -> Labels:
        """The rule's labels in other languages, e.g. labels = { de = "Webinar besucht" }."""
        value = raw.get("labels")
        if value is None:
            return ()
        example = 'e.g. labels = { de = "Firmengröße 50–200" }'
        if not isinstance(value, dict):
            self.err(where, "labels", f"expected a table of labels by language, {example}")
            return ()
        found = []
        for locale, text in sorted(value.items()):
            if locale == "en":
                self.err(
                    where,
                    f"labels.{locale}",
                    "the English label is the rule's `label`; write it there",
                    key=("labels", locale),
                )
            elif locale not in LABEL_LOCALES:
                self.err(
                    where,
                    f"labels.{locale}",
                    f"unknown language; labels may be given in: "
                    f"{', '.join(LABEL_LOCALES)} (English is the rule's `label`)",
                    key=("labels", locale),
                )
            elif not isinstance(text, str) or not text.strip():
                self.err(
                    where,
                    f"labels.{locale}",
                    f"expected a non-empty text, got {text!r}",
                    key=("labels", locale),
                )
            else:
                found.append((locale, text.strip()))
        return tuple(found)

    def cap(self, raw: dict[str, Any], where: Where) -> int | None:
        """The most points an engagement rule may give in total, as a magnitude; None: no cap."""
        value = raw.get("cap")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value == 0:
            self.err(
                where,
                "cap",
                f"expected the most points the rule may give in total "
                f"(a whole number, not 0), got {value!r}",
            )
            return None
        return abs(value)

    def where_clause(self, raw: Any, where: Where) -> tuple[Condition, ...]:
        if raw is None:
            return ()
        # each filter with its path below the rule, to place its mistakes on their own line
        items: list[tuple[dict[str, Any], TomlPath]] = []
        if isinstance(raw, dict):
            # shorthand: { asset_type = "whitepaper" } or { form = ["demo", "trial"] }
            for key, value in raw.items():
                if isinstance(value, list):
                    item = {"field": key, "op": "in", "values": value}
                elif isinstance(value, dict):
                    item = {"field": key, **value}
                else:
                    item = {"field": key, "op": "equals", "value": value}
                items.append((item, ("where", key)))
        elif isinstance(raw, list) and all(isinstance(x, dict) for x in raw):
            items = [(item, ("where", i)) for i, item in enumerate(raw, 1)]
        else:
            self.err(
                where,
                "where",
                "expected property filters such as "
                'where = { asset_type = "whitepaper" } or '
                'where = [{ field = "url", op = "glob", value = "/pricing*" }]',
            )
            return ()
        conds = []
        for item, path in items:
            name = item.get("field", "?")
            for key in sorted(set(item) - CONDITION_KEYS):
                self.err(
                    where,
                    f"where.{name}.{key}",
                    f"unknown setting; allowed in a filter: {', '.join(sorted(CONDITION_KEYS))}",
                    key=(*path, key),
                )
            try:
                conds.append(parse_condition(item, require_field=True))
            except ConditionError as exc:
                self.err(where, f"where.{name}.{exc.field}", exc.message, key=(*path, exc.field))
        return tuple(conds)


def _default_label(cond: Condition) -> str:
    if cond.op in ("in", "not_in"):
        shown = ", ".join(str(v) for v in cond.values[:3])
        return f"{cond.field} {cond.op.replace('_', ' ')} {shown}"
    if cond.op == "range":
        return (
            f"{cond.field} {cond.low if cond.low is not None else ''}–"
            f"{cond.high if cond.high is not None else ''}"
        )
    if cond.op in ("is_set", "is_empty"):
        return f"{cond.field} {cond.op.replace('_', ' ')}"
    return f"{cond.field} {cond.op} {cond.value}"
