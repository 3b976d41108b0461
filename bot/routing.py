"""Which channel an MQL alert goes to, and which SDR gets it (SPEC §4 "Routing").

Segment rules are tried in order and the first that matches wins; a lead no rule matches goes
to the default alert channel. Assignment is a weighted round robin that is fair over time: the
next lead goes to the rep with the fewest assignments per unit of weight so far, skipping reps
who are out of office. Pure functions; the counts and absences come from the caller.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MATCH_FIELDS = ("country", "industry", "source")


class RoutingError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    channel: str
    # each given condition must hold; lists match case-insensitively, sizes are inclusive
    country: frozenset[str] = frozenset()
    industry: frozenset[str] = frozenset()
    source: frozenset[str] = frozenset()
    company_size_min: int | None = None
    company_size_max: int | None = None

    def matches(self, lead: Mapping[str, Any]) -> bool:
        for name in MATCH_FIELDS:
            wanted: frozenset[str] = getattr(self, name)
            if wanted and str(lead.get(name) or "").strip().lower() not in wanted:
                return False
        size = lead.get("company_size")
        if self.company_size_min is not None and (size is None or size < self.company_size_min):
            return False
        return self.company_size_max is None or (size is not None and size <= self.company_size_max)


@dataclass(frozen=True)
class Rep:
    user: str  # Slack user id
    weight: float = 1.0
    channels: frozenset[str] = frozenset()  # empty: every channel


@dataclass(frozen=True)
class Routing:
    default_channel: str
    rules: tuple[Rule, ...] = ()
    assign: bool = False
    reps: tuple[Rep, ...] = ()
    out_of_office: frozenset[str] = field(default_factory=frozenset)

    def channel_for(self, lead: Mapping[str, Any]) -> str:
        return next((r.channel for r in self.rules if r.matches(lead)), self.default_channel)


def pick_rep(
    reps: Sequence[Rep], channel: str, counts: Mapping[str, int], away: Collection[str]
) -> Rep | None:
    """The rep furthest behind their share; ties go to the one listed first."""
    ready = [r for r in reps if r.user not in away and (not r.channels or channel in r.channels)]
    if not ready:
        return None
    return min(ready, key=lambda r: (counts.get(r.user, 0) + 1) / r.weight)


def rules_from_config(items: Any, where: str = "routing.rules") -> tuple[Rule, ...]:
    if not isinstance(items, list):
        raise RoutingError(f"{where} must be a list of tables ([[routing.rules]])")
    rules = []
    for i, item in enumerate(items):
        at = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise RoutingError(f"{at} must be a table")
        unknown = set(item) - {"channel", "company_size_min", "company_size_max", *MATCH_FIELDS}
        if unknown:
            raise RoutingError(
                f"{at}: unknown key {sorted(unknown)[0]}; a rule takes channel, "
                f"{', '.join(MATCH_FIELDS)}, company_size_min, company_size_max"
            )
        channel = item.get("channel")
        if not isinstance(channel, str) or not channel.strip():
            raise RoutingError(f"{at}: channel must be a channel id or name")
        sets: dict[str, frozenset[str]] = {}
        for name in MATCH_FIELDS:
            value = item.get(name, [])
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise RoutingError(f"{at}.{name} must be a string or a list of strings")
            sets[name] = frozenset(v.strip().lower() for v in value)
        low, high = (_size(item, key, at) for key in ("company_size_min", "company_size_max"))
        rules.append(
            Rule(channel.strip(), sets["country"], sets["industry"], sets["source"], low, high)
        )
    return tuple(rules)


def _size(item: Mapping[str, Any], key: str, at: str) -> int | None:
    value = item.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise RoutingError(f"{at}.{key} must be a whole number")
    return value


def reps_from_config(items: Any, where: str = "assignment.reps") -> tuple[Rep, ...]:
    if not isinstance(items, list):
        raise RoutingError(f"{where} must be a list of tables ([[assignment.reps]])")
    reps = []
    for i, item in enumerate(items):
        at = f"{where}[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("user"), str):
            raise RoutingError(f'{at} needs user = "U…" (a Slack user id)')
        unknown = set(item) - {"user", "weight", "channels"}
        if unknown:
            raise RoutingError(
                f"{at}: unknown key {sorted(unknown)[0]}; a rep takes user, weight, channels"
            )
        weight = item.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise RoutingError(f"{at}.weight must be a positive number")
        channels = item.get("channels", [])
        if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
            raise RoutingError(f"{at}.channels must be a list of channels")
        reps.append(Rep(item["user"], float(weight), frozenset(channels)))
    return tuple(reps)
