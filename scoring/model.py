"""The scoring model's types: rules, thresholds, grades and fast track, and model errors.

Loading and validating the TOML text lives in `scoring.loader`; the rule tables in
`scoring.rule_parser`, the recording of mistakes in `scoring.checks` and finding their lines
in `scoring.toml_lines`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from scoring.conditions import Condition

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
# the languages a rule's `labels` table may hold besides its `label`, which is the English one
# and every other language's fallback (bot.locales.LOCALES without "en"; scoring imports no bot)
LABEL_LOCALES = ("de",)
# a rule's labels in other languages: (locale, label) pairs, sorted by locale
Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Issue:
    """One mistake in a model file: where it is and what to do about it."""

    where: str
    field: str
    message: str
    line: int | None = None  # in the model's text; None for the model as a whole

    def __str__(self) -> str:
        at = f"{self.where}, field '{self.field}'" if self.field else self.where
        if self.line is not None:
            at = f"line {self.line}, {at}"
        return f"{at}: {self.message}"


class ModelError(ValueError):
    def __init__(self, issues: list[Issue], source: str = "model") -> None:
        # in the order of the file, as one fixes them; those without a line last
        self.issues = sorted(issues, key=lambda i: (i.line is None, i.line or 0))
        self.source = source
        lines = "\n".join(f"  - {i}" for i in self.issues)
        super().__init__(f"{source} has {len(issues)} problem(s):\n{lines}")


@dataclass(frozen=True)
class FitRule:
    id: str
    label: str
    condition: Condition
    points: int
    group: str | None = None
    labels: Labels = ()

    def label_in(self, locale: str) -> str:
        return dict(self.labels).get(locale, self.label)


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
    labels: Labels = ()
    # derived once: every rescore reads them for each of its lines, and a property costs a call
    is_threshold: bool = field(init=False, repr=False, compare=False)
    always_adds: bool = field(init=False, repr=False, compare=False)  # whatever came before
    decay_seconds: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        threshold = self.min_count > 1 or self.distinct_days
        object.__setattr__(self, "is_threshold", threshold)
        adds = self.points > 0 and self.cap is None and not threshold
        object.__setattr__(self, "always_adds", adds)
        object.__setattr__(self, "decay_seconds", self.half_life_days * 86400.0)

    def label_in(self, locale: str) -> str:
        return dict(self.labels).get(locale, self.label)


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

    def rule_labels(self, locale: str) -> dict[str, str]:
        """Rule id → the rule's label in `locale` (its `label` where it has none in it)."""
        rules: list[FitRule | EngagementRule] = [*self.fit_rules, *self.engagement_rules]
        return {r.id: r.label_in(locale) for r in rules}

    def rules_for_event(self, event_type: str) -> tuple[EngagementRule, ...]:
        return self._by_event.get(event_type, ())

    def __post_init__(self) -> None:
        by_event: dict[str, list[EngagementRule]] = {}
        for rule in self.engagement_rules:
            by_event.setdefault(rule.event, []).append(rule)
        object.__setattr__(self, "_by_event", {k: tuple(v) for k, v in by_event.items()})
        object.__setattr__(
            self,
            "fit_fields",
            tuple(dict.fromkeys(r.condition.field.casefold() for r in self.fit_rules)),
        )
        object.__setattr__(self, "fit_order", {r.id: i for i, r in enumerate(self.fit_rules)})
        object.__setattr__(self, "fit_memo", {})

    _by_event: dict[str, tuple[EngagementRule, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # derived once per model: the lead fields fit rules read, rule order, and match results
    fit_fields: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    fit_order: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    fit_memo: dict[tuple[int, Any], bool] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
