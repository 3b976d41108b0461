"""Engagement candidates: per event type "at least k in the window", and for page views the
URL paths that enough leads visited ("/pricing*").

The rules are written without decay and with the model's window, so that a rule either holds
for a lead at the moment its label was known or does not: what the fit saw is what the engine
will score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from scoring.calibrate.candidates import COUNTS, Pool
from scoring.calibrate.examples import Example
from scoring.calibrate.phrases import event_name, phrase
from scoring.engine import Event, to_epoch
from scoring.state import DAY

PAGE_VIEW = "page_view"
MAX_PATHS = 12


def moment(example: Example) -> datetime | None:
    """When the example's label was known; without one, its latest event."""
    if example.known_at is not None:
        return example.known_at
    return max((e.occurred_at for e in example.events), default=None)


def visible(example: Example, window_days: int) -> list[Event]:
    """The events the engine would count at the label's moment: none after it, and with a
    window only those of its last `window_days` UTC days (as `scoring.state` counts days)."""
    at = moment(example)
    if at is None:
        return []
    now = to_epoch(at)
    today = int(now // DAY)
    return [
        e
        for e in example.events
        if to_epoch(e.occurred_at) <= now
        and (window_days <= 0 or today - int(to_epoch(e.occurred_at) // DAY) < window_days)
    ]


def first_segment(url: object) -> str | None:
    text = str(url or "").strip().casefold()
    if not text:
        return None
    path = urlsplit(text if "://" in text or text.startswith("/") else "//" + text).path
    segment = path.strip("/").split("/", 1)[0]
    return segment or None


def engagement_candidates(
    pool: Pool, examples: Sequence[Example], window_days: int, support: int
) -> None:
    by_type: list[Counter[str]] = []
    by_path: list[Counter[str]] = []
    for example in examples:
        events = visible(example, window_days)
        by_type.append(Counter(e.type for e in events))
        by_path.append(
            Counter(
                seg
                for e in events
                if e.type == PAGE_VIEW and (seg := first_segment(e.properties.get("url")))
            )
        )
    _counted(pool, by_type, support, _event_rule)
    reach = Counter(seg for counts in by_path for seg in counts)
    paths = [seg for seg, n in reach.most_common(MAX_PATHS) if n >= support]
    for seg in paths:
        counts = [Counter({seg: c[seg]}) for c in by_path]
        _counted(pool, counts, support, _path_rule)


# what a kind of count rule is: its spec, its labels for a count (in every language), its id stem
Described = tuple[dict[str, Any], Callable[[int], dict[str, str]], str]


def _event_rule(event: str) -> Described:
    def labels(k: int) -> dict[str, str]:
        name = event_name(event)
        return (
            phrase("event_once", event=name)
            if k == 1
            else phrase("event_times", event=name, count=k)
        )

    return {"event": event}, labels, event


def _path_rule(segment: str) -> Described:
    where = [{"field": "url", "op": "glob", "value": f"/{segment}*"}]

    def labels(k: int) -> dict[str, str]:
        return (
            phrase("path_once", path=segment)
            if k == 1
            else phrase("path_times", path=segment, count=k)
        )

    return {"event": PAGE_VIEW, "where": where}, labels, f"page_{segment}"


def _counted(
    pool: Pool,
    counts: list[Counter[str]],
    support: int,
    describe: Callable[[str], Described],
) -> None:
    kinds = sorted({k for c in counts for k in c})
    for kind in kinds:
        per_lead = [c[kind] for c in counts]
        spec, labels, stem = describe(kind)
        for k in COUNTS:
            if sum(1 for n in per_lead if n >= k) < support:
                break
            pool.add(f"{stem}_{k}", labels(k), "engagement", {**spec, "min_count": k}, None)
