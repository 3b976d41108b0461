"""The scoring model: typed rules loaded from a TOML text, with validation that names what is wrong.

The model is a text file marketing edits. Every mistake is reported with the rule and field it is
in, all at once, so one run of `sdrbot model validate` shows everything to fix.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from scoring.conditions import (
    CONDITION_KEYS,
    OPERATORS,
    Condition,
    ConditionError,
    parse_condition,
)

CANONICAL_EVENT_TYPES = (
    "page_view",
    "content_download",
    "webinar_registered",
    "webinar_attended",
    "email_open",
    "email_click",
    "newsletter_open",
    "unsubscribe",
    "form_submit",
    "demo_request",
    "pricing_request",
    "contact_request",
    "chat_with_sales",
)
DEFAULT_FAST_TRACK = ("demo_request", "pricing_request", "contact_request", "chat_with_sales")

_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


@dataclass(frozen=True)
class Issue:
    """One mistake in a model file: where it is and what to do about it."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        at = f"{self.where}, field '{self.field}'" if self.field else self.where
        return f"{at}: {self.message}"


class ModelError(ValueError):
    def __init__(self, issues: list[Issue], source: str = "model") -> None:
        self.issues = issues
        self.source = source
        lines = "\n".join(f"  - {i}" for i in issues)
        super().__init__(f"{source} has {len(issues)} problem(s):\n{lines}")


@dataclass(frozen=True)
class FitRule:
    id: str
    label: str
    condition: Condition
    points: int
    group: str | None = None


@dataclass(frozen=True)
class EngagementRule:
    id: str
    label: str
    event: str
    where: tuple[Condition, ...]
    points: int
    cap: int | None  # absolute limit of the rule's total points; None = no limit
    min_count: int  # 1 = points for each matching event; >1 = points once the count is reached
    distinct_days: bool  # count distinct days instead of events (with min_count)
    window_days: int  # 0 = all time
    half_life_days: float  # 0 = no decay

    @property
    def is_threshold(self) -> bool:
        return self.min_count > 1 or self.distinct_days

    @property
    def decay_seconds(self) -> float:
        return self.half_life_days * 86400.0


@dataclass(frozen=True)
class Thresholds:
    mql: float = 70
    min_fit: float = 0
    min_engagement: float = 0
    nurture_min: float = 30


@dataclass(frozen=True)
class Grades:
    # fit letter: the first letter whose minimum the fit points reach, else "D"
    fit: tuple[tuple[str, float], ...] = (("A", 60), ("B", 40), ("C", 20))
    # engagement level: 1 is the most engaged (A1 is the best cell of the matrix)
    engagement: tuple[tuple[int, float], ...] = ((1, 60), (2, 40), (3, 20))

    def fit_grade(self, points: float) -> str:
        for letter, minimum in self.fit:
            if points >= minimum:
                return letter
        return "D"

    def engagement_level(self, points: float) -> int:
        for level, minimum in self.engagement:
            if points >= minimum:
                return level
        return 4


@dataclass(frozen=True)
class FastTrack:
    events: tuple[str, ...] = DEFAULT_FAST_TRACK
    hold_days: float = 14


@dataclass(frozen=True)
class ScoringModel:
    name: str
    fit_rules: tuple[FitRule, ...]
    engagement_rules: tuple[EngagementRule, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    grades: Grades = field(default_factory=Grades)
    fast_track: FastTrack = field(default_factory=FastTrack)
    source: str = ""

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()[:16]

    def rules_for_event(self, event_type: str) -> tuple[EngagementRule, ...]:
        return self._by_event.get(event_type, ())

    def __post_init__(self) -> None:
        by_event: dict[str, list[EngagementRule]] = {}
        for rule in self.engagement_rules:
            by_event.setdefault(rule.event, []).append(rule)
        object.__setattr__(self, "_by_event", {k: tuple(v) for k, v in by_event.items()})
        object.__setattr__(self, "fit_fields",
                           tuple(dict.fromkeys(r.condition.field.casefold()
                                               for r in self.fit_rules)))
        object.__setattr__(self, "fit_order", {r.id: i for i, r in enumerate(self.fit_rules)})
        object.__setattr__(self, "fit_memo", {})

    _by_event: dict[str, tuple[EngagementRule, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # derived once per model: the lead fields fit rules read, rule order, and match results
    fit_fields: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    fit_order: dict[str, int] = field(default_factory=dict, init=False, repr=False,
                                      compare=False)
    fit_memo: dict[tuple[int, Any], bool] = field(default_factory=dict, init=False, repr=False,
                                                  compare=False)


def default_model_text() -> str:
    return resources.files("scoring").joinpath("default_model.toml").read_text(encoding="utf-8")


def default_model() -> ScoringModel:
    return load_model(default_model_text(), source="default_model.toml")


# --- loading ------------------------------------------------------------------------------------

_TOP_KEYS = {"model", "thresholds", "engagement", "grades", "fast_track", "fit"}
_FIT_KEYS = {"id", "label", "field", "op", "value", "values", "min", "max", "points", "group"}
_ENG_KEYS = {
    "id", "label", "event", "where", "points", "cap", "min_count", "distinct_days",
    "window_days", "half_life_days",
}


def load_model(text: str, source: str = "model") -> ScoringModel:
    """Parse and validate a model; raise ModelError listing every problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(
            [Issue("TOML syntax", "", f"{exc}. Check quotes, brackets and '=' on that line.")],
            source,
        ) from exc
    issues: list[Issue] = []
    builder = _Builder(issues)
    model = builder.build(data, text)
    if issues:
        raise ModelError(issues, source)
    assert model is not None
    return model


class _Builder:
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        self.ids: list[str] = []  # every valid rule id seen, including rules with other mistakes

    def err(self, where: str, fld: str, message: str) -> None:
        self.issues.append(Issue(where, fld, message))

    def number(self, table: dict[str, Any], key: str, where: str, default: float,
               *, minimum: float | None = None, integer: bool = False) -> float:
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

    def unknown_keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(table) - allowed):
            self.err(where, key, f"unknown setting; allowed here: {', '.join(sorted(allowed))}")

    def build(self, data: dict[str, Any], text: str) -> ScoringModel | None:
        self.unknown_keys(data, _TOP_KEYS | {"engagement_rule"}, "top level")
        meta = data.get("model", {})
        name = "Unnamed model"
        if not isinstance(meta, dict):
            self.err("[model]", "", "must be a table with the model's name, e.g. "
                     "[model] name = \"Our ICP 2025\"")
        elif "name" in meta:
            if isinstance(meta["name"], str) and meta["name"].strip():
                name = meta["name"].strip()
            else:
                self.err("[model]", "name", f"expected a non-empty text, got {meta['name']!r}")

        thresholds = self.thresholds(data.get("thresholds", {}))
        defaults = data.get("engagement", {})
        if not isinstance(defaults, dict):
            self.err("[engagement]", "", "must be a table (half_life_days, window_days)")
            defaults = {}
        self.unknown_keys(defaults, {"half_life_days", "window_days"}, "[engagement]")
        half_life = self.number(defaults, "half_life_days", "[engagement]", 0, minimum=0)
        window = int(self.number(defaults, "window_days", "[engagement]", 0, minimum=0,
                                 integer=True))
        grades = self.grades(data.get("grades", {}))
        fast_track = self.fast_track(data.get("fast_track", {}))

        fit_rules = self.fit_rules(data.get("fit", []))
        eng_rules = self.engagement_rules(data.get("engagement_rule", []), half_life, window)
        seen: set[str] = set()
        for rid in self.ids:
            if rid in seen:
                self.err(f"rule '{rid}'", "id", "is used twice; every rule needs its own id")
            seen.add(rid)
        raw_fit, raw_eng = data.get("fit", []), data.get("engagement_rule", [])
        if raw_fit == [] and raw_eng == []:
            self.err("top level", "", "the model has no rules; add [[fit]] or [[engagement_rule]]")
        return ScoringModel(name, tuple(fit_rules), tuple(eng_rules), thresholds, grades,
                            fast_track, source=text)

    def thresholds(self, t: Any) -> Thresholds:
        where = "[thresholds]"
        if not isinstance(t, dict):
            self.err(where, "", "must be a table")
            return Thresholds()
        self.unknown_keys(t, {"mql", "min_fit", "min_engagement", "nurture_min"}, where)
        mql = self.number(t, "mql", where, 70, minimum=0)
        nurture = self.number(t, "nurture_min", where, min(30, mql), minimum=0)
        if nurture > mql:
            self.err(where, "nurture_min", f"must not be above mql ({mql:g}); the nurture band "
                     "lies below the MQL threshold")
        return Thresholds(mql, self.number(t, "min_fit", where, 0),
                          self.number(t, "min_engagement", where, 0), nurture)

    def grades(self, g: Any) -> Grades:
        where = "[grades]"
        if not isinstance(g, dict):
            self.err(where, "", "must be a table")
            return Grades()
        self.unknown_keys(g, {"fit", "engagement"}, where)
        result = Grades()
        fit = g.get("fit")
        if fit is not None:
            if not isinstance(fit, dict) or set(fit) - {"A", "B", "C"} or len(fit) != 3:
                self.err(where, "fit", "expected minimum points for A, B and C, "
                         "e.g. fit = { A = 60, B = 40, C = 20 } (D is everything below C)")
            else:
                pairs = [(k, self.number(fit, k, where + ".fit", 0)) for k in ("A", "B", "C")]
                if not pairs[0][1] >= pairs[1][1] >= pairs[2][1]:
                    self.err(where, "fit", "minimums must fall from A to C")
                result = Grades(tuple(pairs), result.engagement)
        eng = g.get("engagement")
        if eng is not None:
            if not isinstance(eng, dict) or set(eng) != {"1", "2", "3"}:
                self.err(where, "engagement", "expected minimum points for levels 1, 2 and 3, "
                         'e.g. engagement = { "1" = 60, "2" = 40, "3" = 20 } (4 is below 3)')
            else:
                levels = [(int(k), self.number(eng, k, where + ".engagement", 0))
                          for k in ("1", "2", "3")]
                if not levels[0][1] >= levels[1][1] >= levels[2][1]:
                    self.err(where, "engagement", "minimums must fall from level 1 to level 3")
                result = Grades(result.fit, tuple(levels))
        return result

    def fast_track(self, f: Any) -> FastTrack:
        where = "[fast_track]"
        if not isinstance(f, dict):
            self.err(where, "", "must be a table")
            return FastTrack()
        self.unknown_keys(f, {"events", "hold_days"}, where)
        events = f.get("events", list(DEFAULT_FAST_TRACK))
        if not isinstance(events, list) or not all(isinstance(e, str) and e for e in events):
            self.err(where, "events", 'expected a list of event types, e.g. ["demo_request"]')
            events = list(DEFAULT_FAST_TRACK)
        hold = self.number(f, "hold_days", where, 14, minimum=0)
        return FastTrack(tuple(events), hold)

    def _rule_header(self, raw: Any, kind: str, index: int, allowed: set[str]
                     ) -> tuple[str, str, dict[str, Any]] | None:
        where = f"{kind} #{index}"
        if not isinstance(raw, dict):
            self.err(where, "", f"must be a table ([[{kind}]])")
            return None
        rid = raw.get("id")
        if not isinstance(rid, str) or not _RULE_ID.match(rid):
            self.err(where, "id", "every rule needs an id of lowercase letters, digits, '_' or "
                     f"'-', e.g. id = \"role_ceo\"; got {rid!r}")
            rid = f"#{index}"
        else:
            where = f"{kind} '{rid}' (#{index})"
            self.ids.append(rid)
        self.unknown_keys(raw, allowed, where)
        return rid, where, raw

    def points(self, raw: dict[str, Any], where: str) -> int:
        value = raw.get("points")
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(where, "points", f"expected whole points such as 20 or -5, got {value!r}")
            return 0
        return value

    def fit_rules(self, raws: Any) -> list[FitRule]:
        if not isinstance(raws, list):
            self.err("[[fit]]", "", "fit rules must be written as [[fit]] tables")
            return []
        rules = []
        for i, raw in enumerate(raws, 1):
            header = self._rule_header(raw, "fit", i, _FIT_KEYS)
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
                self.err(where, "group", "expected a name; rules of one group count only once "
                         "(the best match)")
                group = None
            label = str(raw.get("label") or _default_label(cond))
            rules.append(FitRule(rid, label, cond, points, group))
        return rules

    def engagement_rules(self, raws: Any, half_life: float, window: int
                         ) -> list[EngagementRule]:
        if not isinstance(raws, list):
            self.err("[[engagement_rule]]", "", "write engagement rules as [[engagement_rule]]")
            return []
        rules = []
        for i, raw in enumerate(raws, 1):
            header = self._rule_header(raw, "engagement_rule", i, _ENG_KEYS)
            if header is None:
                continue
            rid, where, raw = header
            event = raw.get("event")
            if not isinstance(event, str) or not event.strip():
                self.err(where, "event", "name the event type this rule counts, e.g. "
                         f"event = \"page_view\" (canonical: {', '.join(CANONICAL_EVENT_TYPES)})")
                event = ""
            points = self.points(raw, where)
            conds = self.where_clause(raw.get("where"), where)
            cap_raw = raw.get("cap")
            cap: int | None = None
            if cap_raw is not None:
                if isinstance(cap_raw, bool) or not isinstance(cap_raw, int) or cap_raw == 0:
                    self.err(where, "cap", f"expected the most points the rule may give in total "
                             f"(a whole number, not 0), got {cap_raw!r}")
                else:
                    cap = abs(cap_raw)
            min_count = int(self.number(raw, "min_count", where, 1, minimum=1, integer=True))
            distinct = raw.get("distinct_days", False)
            if not isinstance(distinct, bool):
                self.err(where, "distinct_days", "expected true or false")
                distinct = False
            rule_window = int(self.number(raw, "window_days", where, window, minimum=0,
                                          integer=True))
            rule_half = self.number(raw, "half_life_days", where, half_life, minimum=0)
            if (min_count > 1 or distinct) and cap is not None:
                self.err(where, "cap", "a rule with min_count gives its points once; "
                         "drop cap")
            label = str(raw.get("label") or event.replace("_", " "))
            rules.append(EngagementRule(rid, label, event.strip(), conds, points, cap,
                                        min_count, distinct, rule_window, rule_half))
        return rules

    def where_clause(self, raw: Any, where: str) -> tuple[Condition, ...]:
        if raw is None:
            return ()
        items: list[dict[str, Any]] = []
        if isinstance(raw, dict):
            # shorthand: { asset_type = "whitepaper" } or { form = ["demo", "trial"] }
            for key, value in raw.items():
                if isinstance(value, list):
                    items.append({"field": key, "op": "in", "values": value})
                elif isinstance(value, dict):
                    items.append({"field": key, **value})
                else:
                    items.append({"field": key, "op": "equals", "value": value})
        elif isinstance(raw, list) and all(isinstance(x, dict) for x in raw):
            items = raw
        else:
            self.err(where, "where", "expected property filters such as "
                     "where = { asset_type = \"whitepaper\" } or "
                     "where = [{ field = \"url\", op = \"glob\", value = \"/pricing*\" }]")
            return ()
        conds = []
        for item in items:
            name = item.get("field", "?")
            for key in sorted(set(item) - CONDITION_KEYS):
                self.err(where, f"where.{name}.{key}", "unknown setting; allowed in a filter: "
                         f"{', '.join(sorted(CONDITION_KEYS))}")
            try:
                conds.append(parse_condition(item, require_field=True))
            except ConditionError as exc:
                self.err(where, f"where.{item.get('field', '?')}.{exc.field}", exc.message)
        return tuple(conds)


def _default_label(cond: Condition) -> str:
    if cond.op in ("in", "not_in"):
        shown = ", ".join(str(v) for v in cond.values[:3])
        return f"{cond.field} {cond.op.replace('_', ' ')} {shown}"
    if cond.op == "range":
        return f"{cond.field} {cond.low if cond.low is not None else ''}–" \
               f"{cond.high if cond.high is not None else ''}"
    if cond.op in ("is_set", "is_empty"):
        return f"{cond.field} {cond.op.replace('_', ' ')}"
    return f"{cond.field} {cond.op} {cond.value}"


__all__ = [
    "CANONICAL_EVENT_TYPES", "OPERATORS", "EngagementRule", "FastTrack", "FitRule", "Grades",
    "Issue", "ModelError", "ScoringModel", "Thresholds", "default_model", "default_model_text",
    "load_model",
]
