"""Loading a model: TOML text in, a validated ScoringModel out, or every mistake at once."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from typing import Any

from scoring.checks import Where
from scoring.model import (
    DEFAULT_FAST_TRACK,
    FastTrack,
    Grades,
    Issue,
    ModelError,
    ScoringModel,
    Thresholds,
)
from scoring.rule_parser import RuleParser


def default_model_text() -> str:
    return resources.files("scoring").joinpath("default_model.toml").read_text(encoding="utf-8")


def default_model() -> ScoringModel:
    return load_model(default_model_text(), source="default_model.toml")


_TOP_KEYS = {"model", "thresholds", "engagement", "grades", "fast_track", "fit"}
_TOP = Where("top level")
# tomllib names the place of a syntax error only inside its message
_AT_LINE = re.compile(r" \(at line (\d+), column (\d+)\)$")


def load_model(text: str, source: str = "model") -> ScoringModel:
    """Parse and validate a model; raise ModelError listing every problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError([_syntax_issue(exc)], source) from exc
    issues: list[Issue] = []
    builder = _Builder(issues, text)
    model = builder.build(data)
    if issues:
        raise ModelError(issues, source)
    assert model is not None
    return model


def _syntax_issue(exc: tomllib.TOMLDecodeError) -> Issue:
    message, at = str(exc), _AT_LINE.search(str(exc))
    if at is None:  # e.g. "(at end of document)"
        return Issue(
            "TOML syntax", "", f"{message}. Check for a quote or bracket that is never closed."
        )
    return Issue(
        "TOML syntax",
        "",
        f"{message[: at.start()]} (column {at[2]}). Check quotes, brackets and '=' on that line.",
        int(at[1]),
    )


class _Builder(RuleParser):
    """The top level of a model file; the rule tables are RuleParser's."""

    def build(self, data: dict[str, Any]) -> ScoringModel | None:
        self.unknown_keys(data, _TOP_KEYS | {"engagement_rule"}, _TOP)
        meta = data.get("model", {})
        name = "Unnamed model"
        at_model = Where("[model]", ("model",))
        if not isinstance(meta, dict):
            self.err(
                at_model,
                "",
                'must be a table with the model\'s name, e.g. [model] name = "Our ICP 2025"',
            )
        elif "name" in meta:
            if isinstance(meta["name"], str) and meta["name"].strip():
                name = meta["name"].strip()
            else:
                self.err(at_model, "name", f"expected a non-empty text, got {meta['name']!r}")

        thresholds = self.thresholds(data.get("thresholds", {}))
        defaults = data.get("engagement", {})
        at_eng = Where("[engagement]", ("engagement",))
        if not isinstance(defaults, dict):
            self.err(at_eng, "", "must be a table (half_life_days, window_days)")
            defaults = {}
        self.unknown_keys(defaults, {"half_life_days", "window_days"}, at_eng)
        half_life = self.number(defaults, "half_life_days", at_eng, 0, minimum=0)
        window = int(self.number(defaults, "window_days", at_eng, 0, minimum=0, integer=True))
        grades = self.grades(data.get("grades", {}))
        fast_track = self.fast_track(data.get("fast_track", {}))

        fit_rules = self.fit_rules(data.get("fit", []))
        eng_rules = self.engagement_rules(data.get("engagement_rule", []), half_life, window)
        seen: set[str] = set()
        for rid, at in self.ids:
            if rid in seen:  # placed on the second use
                self.err(
                    Where(f"rule '{rid}'", at.path),
                    "id",
                    "is used twice; every rule needs its own id",
                )
            seen.add(rid)
        raw_fit, raw_eng = data.get("fit", []), data.get("engagement_rule", [])
        if raw_fit == [] and raw_eng == []:
            self.err(_TOP, "", "the model has no rules; add [[fit]] or [[engagement_rule]]")
        return ScoringModel(
            name,
            tuple(fit_rules),
            tuple(eng_rules),
            thresholds,
            grades,
            fast_track,
            source=self.text,
        )

    def thresholds(self, t: Any) -> Thresholds:
        where = Where("[thresholds]", ("thresholds",))
        if not isinstance(t, dict):
            self.err(where, "", "must be a table")
            return Thresholds()
        self.unknown_keys(t, {"mql", "min_fit", "min_engagement", "nurture_min"}, where)
        mql = self.number(t, "mql", where, 70, minimum=0)
        nurture = self.number(t, "nurture_min", where, min(30, mql), minimum=0)
        if nurture > mql:
            self.err(
                where,
                "nurture_min",
                f"must not be above mql ({mql:g}); the nurture band lies below the MQL threshold",
            )
        return Thresholds(
            mql,
            self.number(t, "min_fit", where, 0),
            self.number(t, "min_engagement", where, 0),
            nurture,
        )

    def grades(self, g: Any) -> Grades:
        where = Where("[grades]", ("grades",))
        if not isinstance(g, dict):
            self.err(where, "", "must be a table")
            return Grades()
        self.unknown_keys(g, {"fit", "engagement"}, where)
        result = Grades()
        fit = g.get("fit")
        if fit is not None:
            if not isinstance(fit, dict) or set(fit) - {"A", "B", "C"} or len(fit) != 3:
                self.err(
                    where,
                    "fit",
                    "expected minimum points for A, B and C, "
                    "e.g. fit = { A = 60, B = 40, C = 20 } (D is everything below C)",
                )
            else:
                at_fit = Where("[grades].fit", ("grades", "fit"))
                pairs = [(k, self.number(fit, k, at_fit, 0)) for k in ("A", "B", "C")]
                if not pairs[0][1] >= pairs[1][1] >= pairs[2][1]:
                    self.err(where, "fit", "minimums must fall from A to C")
                result = Grades(tuple(pairs), result.engagement)
        eng = g.get("engagement")
        if eng is not None:
            if not isinstance(eng, dict) or set(eng) != {"1", "2", "3"}:
                self.err(
                    where,
                    "engagement",
                    "expected minimum points for levels 1, 2 and 3, "
                    'e.g. engagement = { "1" = 60, "2" = 40, "3" = 20 } (4 is below 3)',
                )
            else:
                at_eng = Where("[grades].engagement", ("grades", "engagement"))
                levels = [(int(k), self.number(eng, k, at_eng, 0)) for k in ("1", "2", "3")]
                if not levels[0][1] >= levels[1][1] >= levels[2][1]:
                    self.err(where, "engagement", "minimums must fall from level 1 to level 3")
                result = Grades(result.fit, tuple(levels))
        return result

    def fast_track(self, f: Any) -> FastTrack:
        where = Where("[fast_track]", ("fast_track",))
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
