"""Every message, ephemeral and Home view of the SDRs' loop, rendered in each locale: within
Block Kit's limits, nothing left in English in German, and no internal name on screen.

The same view is rendered in English and German and the two are walked side by side: a line
that reads the same in both (once lead data, mentions, dates and numbers are set aside) is a
string that bypassed the catalogue. Lead data here is language-neutral on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from bot.locales import LOCALES
from bot.slack.blocks import (
    AlertView,
    DecisionView,
    LeadMatch,
    StatusChange,
    alert_message,
    lead_card,
    message_problems,
    pick_list,
    reasons_from_breakdown,
    thread_note,
    view_problems,
)
from bot.slack.blocks.exploration import ExplorationView, answer_label, exploration_message
from bot.slack.blocks.queue import home_view, queue_message
from bot.slack.replies import (
    not_allowed,
    not_allowed_plain,
    too_late,
    too_late_plain,
    unknown_lead,
)
from bot.texts import render
from bot.usecases.lifecycle.decisions import Prior, Result
from bot.usecases.queries.queue import Home, QueueItem
from bot.words import catalogue, say
from scoring.engine import BreakdownLine
from scoring.model import CANONICAL_EVENT_TYPES
from tests.fakeslack import blockkit as fake_blockkit

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
SDR, AE = "U0SDRANNA1", "U0AEBEN001"
# the lead's and the model's own text: not ours to translate
DATA = ("Dana Example", "Acme", "VP Sales", "dana@example.com", "Pricing page", "Company size")
DATA += ("Careers page", "/pricing", "/careers", "Q3 Report", "Budget ok", "call in February")
SAME_WORDS = {"score", "sla", "status", "lead", "leads", "mql", "mqls", "sql", "crm", "demo"}
INTERNAL = [
    re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"),  # page_view, email_open, demo_request
    re.compile(r"\b(?:decision|crm|cli|slack|api|import|re_mql):\w"),  # decision:promote
    # a raw status where a status word belongs: `mql → sql`, "(now nurturing)"
    re.compile(r"(?:→\s*|\(now \*?|\bnow \*)(?:lead|mql|sql|nurturing|recycled|won|lost)\b"),
    re.compile(r"\b(?:lead|mql|sql|nurturing|recycled|opportunity) →"),
]
NOT_SHOWN = {"action_id", "block_id", "callback_id", "value", "url", "type", "style", "metadata"}


def breakdown(locale: str) -> list[Any]:
    lines = [
        BreakdownLine(
            "pricing",
            "engagement",
            "Pricing page",
            30,
            24.5,
            {"event": "page_view", "count": 3, "window_days": 7, "last": "2026-11-30"},
        ),
        BreakdownLine(
            "careers", "engagement", "Careers page", -5, -5, {"event": "page_view", "count": 1}
        ),
        BreakdownLine(
            "size", "fit", "Company size", 10, 10, {"field": "company_size", "value": 450}
        ),
    ]
    return list(reasons_from_breakdown(lines, locale))


def view(locale: str, **changes: Any) -> AlertView:
    fields: dict[str, Any] = dict(
        lead_id=42,
        name="Dana Example",
        email="dana@example.com",
        title="VP Sales",
        company="Acme",
        score=87,
        fit=42,
        engagement=45,
        fit_grade="A",
        engagement_level=1,
        reasons=breakdown(locale),
        timeline=[
            (NOW - timedelta(hours=h), kind, "/pricing" if kind == "page_view" else "")
            for h, kind in enumerate(CANONICAL_EVENT_TYPES)
        ]
        + [(NOW - timedelta(days=3), "content_download", "Whitepaper Q3 Report")],
    )
    fields.update(changes)
    return AlertView(**fields)


def decided(outcome: str, by: str = SDR) -> DecisionView:
    return DecisionView(outcome, by, NOW, "Budget ok", "call in February")


RAISED = {"fast_track": "demo_request", "hand_raise_at": NOW - timedelta(hours=2)}
EARLIER = {
    "re_mql": True,
    "earlier": decided("recycle"),
    "earlier_link": "https://fake.slack.com/archives/C1/p1",
}
ALERTS: dict[str, dict[str, Any]] = {
    "open": {},
    "hand-raiser": RAISED,
    "re-MQL with its earlier decision": EARLIER,
    "re-MQL hand-raiser": {**RAISED, **EARLIER},
    "claimed": {"owner_slack_id": SDR},
    "promoted": {"status": "sql", "decision": decided("promote")},
    "recycled": {"status": "recycled", "decision": decided("recycle")},
    "disqualified": {"status": "disqualified", "decision": decided("disqualify")},
    "expired": {"status": "nurturing", "decision": DecisionView("expired", "", NOW)},
    "moved by a CRM import": {
        "status": "opportunity",
        "decision": DecisionView("crm:opportunity", "cli:root import:out.csv", NOW),
    },
}
CAUSES = [
    ("lead", "mql", "score", "system"),
    ("lead", "mql", "fast_track", "system"),
    ("nurturing", "mql", "re_mql", "system"),
    ("nurturing", "mql", "re_mql:fast_track", "system"),
    ("mql", "nurturing", "expired", "system"),
    ("mql", "sql", "decision:promote", f"slack:{SDR}"),
    ("mql", "recycled", "decision:recycle", "cli:root"),
    ("mql", "disqualified", "decision:disqualify", f"slack:{SDR}"),
    ("sql", "opportunity", "crm:opportunity", "cli:root import:out.csv"),
    ("opportunity", "won", "crm:won", "api:k1"),
    ("opportunity", "lost", "crm:lost", "system"),
]
HISTORY = [StatusChange(NOW - timedelta(hours=i), *c) for i, c in enumerate(CAUSES)]


def items() -> list[QueueItem]:
    since = NOW - timedelta(hours=30)
    return [
        QueueItem(1, "Dana Example", "Acme", 15, "D4", None, since, fast_track="demo_request"),
        QueueItem(2, "Dana Example", "Acme", 80, "A1", SDR, since, sla="escalated"),
        QueueItem(3, "Dana Example", None, 70, "B2", None, since, sla="overdue"),
    ] * 10


def listed(first_id: int, owner: str | None) -> list[QueueItem]:
    """A full Home section: distinct leads, each with its buttons (no action id repeats)."""
    return [replace(item, lead_id=first_id + i, owner=owner) for i, item in enumerate(items()[:15])]


def explored(locale: str) -> ExplorationView:
    lead = view(locale, score=63, status="lead")
    return ExplorationView(7, lead, 63, 70, 0.1, 10)


def match(i: int, status: str) -> LeadMatch:
    return LeadMatch(i, "Dana Example", "dana@example.com", "Acme", 50, "B2", status)


def late(outcome: str, reason: str | None = "Budget ok") -> Result:
    return Result(False, 42, "promote", "sql", prior=Prior(outcome, f"slack:{SDR}", NOW, reason))


# name -> a function of the locale that renders it
MESSAGES: dict[str, Callable[[str], dict[str, Any]]] = {
    **{
        f"alert {name}": (lambda c: lambda lo: alert_message(view(lo, **c), locale=lo, now=NOW))(
            changes
        )
        for name, changes in ALERTS.items()
    },
    **{
        f"card {name}": (
            lambda c: (
                lambda lo: lead_card(
                    view(lo, alert_link="https://fake.slack.com/archives/C1/p2", **c),
                    HISTORY,
                    locale=lo,
                )
            )
        )(changes)
        for name, changes in ALERTS.items()
    },
    "card of an overdue MQL": lambda lo: lead_card(
        view(lo, mql_since=NOW - timedelta(days=2), sla="overdue"), locale=lo
    ),
    "card of an escalated MQL": lambda lo: lead_card(
        view(lo, mql_since=NOW - timedelta(days=4), sla="escalated"), locale=lo
    ),
    "card without a breakdown": lambda lo: lead_card(view(lo, reasons=()), locale=lo),
    **{
        f"thread note {o}": partial(lambda outcome, lo: thread_note(decided(outcome), lo), o)
        for o in ("claim", "promote", "recycle", "disqualify")
    },
    "pick list": lambda lo: pick_list(
        [match(i, s) for i, s in enumerate(["mql", "sql", "lead", "nurturing"] * 4)],
        "Dana",
        total=31,
        locale=lo,
    ),
    "pick list, nothing found": lambda lo: pick_list([], "Dana", locale=lo),
    "queue": lambda lo: queue_message(items(), 44, NOW, locale=lo),
    "queue, empty": lambda lo: queue_message([], 0, NOW, locale=lo),
    "exploration alert": lambda lo: exploration_message(explored(lo), lo),
    **{
        f"exploration alert answered {a}": partial(
            lambda answer, lo: exploration_message(
                replace(explored(lo), answer=answer, answered_by=f"slack:{SDR}", answered_at=NOW),
                lo,
            ),
            a,
        )
        for a in ("promote", "recycle", "disqualify")
    },
}
VIEWS: dict[str, Callable[[str], dict[str, Any]]] = {
    "home": lambda lo: home_view(
        Home(listed(1, SDR), listed(101, None), {"promote": 2}, 20, 38, 5400), NOW, locale=lo
    ),
    # what became of a click on the tab, on top of it
    "home, with a notice": lambda lo: home_view(
        Home(listed(1, SDR), listed(101, None), {}, 20, 38),
        NOW,
        locale=lo,
        notice=too_late(late("promote"), lo),
    ),
    "home, empty": lambda lo: home_view(Home([], [], {}), NOW, locale=lo),
}
EPHEMERALS: dict[str, Callable[[str], str]] = {
    **{
        f"too late after {o}": partial(lambda outcome, lo: too_late(late(outcome), lo), o)
        for o in ("promote", "recycle", "disqualify", "claim")
    },
    "too late, no reason": lambda lo: too_late(late("promote", None), lo),
    "too late, undated": lambda lo: too_late(
        Result(False, 42, "promote", "sql", prior=Prior("promote", f"slack:{SDR}", None)), lo
    ),
    "no longer open": lambda lo: too_late(Result(False, 42, "promote", "nurturing"), lo),
    "too late (modal)": lambda lo: too_late_plain(late("recycle"), lo),
    "no longer open (modal)": lambda lo: too_late_plain(Result(False, 42, "x", "won"), lo),
    "not allowed": lambda lo: not_allowed(SDR, lo),
    "not allowed (modal)": lambda lo: not_allowed_plain(SDR, lo),
    "unknown lead": lambda lo: unknown_lead(42, lo),
    "exploration lead gone": lambda lo: say(lo, "exploration.gone"),
    "exploration lead moved on": lambda lo: say(lo, "exploration.moved"),
    "exploration answered already": lambda lo: say(
        lo, "exploration.already", who=f"<@{SDR}>", label=answer_label(lo, "recycle")
    ),
    "/lead help": lambda lo: render("lead_help.mrkdwn", lo),
    **{
        f"/lead {key}": partial(lambda name, lo: say(lo, name, id=42), key)
        for key in sorted(k for k in catalogue("en") if k.startswith("command."))
    },
}


def shown(node: Any) -> Iterator[str]:
    """Every string a person reads in a payload, in order."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in NOT_SHOWN:
                yield from shown(value)
    elif isinstance(node, list):
        for item in node:
            yield from shown(item)
    elif isinstance(node, str):
        yield node


def words_of(line: str) -> set[str]:
    """The words of a line that are ours: without lead data, mentions, links, dates, numbers."""
    for data in DATA:
        line = line.replace(data, " ")
    line = re.sub(r"<[^<>]*>|`[^`]*`|\d+", " ", line)
    return {w.lower() for w in re.findall(r"[^\W\d_]{2,}", line)} - SAME_WORDS


def assert_translated(english: list[str], german: list[str], where: str) -> None:
    assert len(english) == len(german), f"{where}: the two locales render different layouts"
    for en, de in zip(english, german, strict=True):
        en_lines, de_lines = en.splitlines(), de.splitlines()
        pairs = (
            zip(en_lines, de_lines, strict=False) if len(en_lines) == len(de_lines) else [(en, de)]
        )
        for en_line, de_line in pairs:
            if words_of(en_line) and en_line == de_line:
                pytest.fail(f"{where}: still English in German: {en_line!r}")


def assert_no_internal_names(texts: list[str], where: str) -> None:
    for text in texts:
        for pattern in INTERNAL:
            clean = re.sub(r"<[^<>]*>|`[^`]*`", " ", text)
            found = pattern.search(clean)
            assert found is None, f"{where}: internal name {found.group()!r} in {text!r}"


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_every_message_fits_and_speaks_each_language(name: str) -> None:
    rendered = {lo: MESSAGES[name](lo) for lo in LOCALES}
    for lo, payload in rendered.items():
        assert message_problems(payload) == [], (lo, name)
        assert fake_blockkit.check_blocks(payload["blocks"], "message") == [], (lo, name)
        assert payload["text"].strip()
        assert_no_internal_names(list(shown(payload)), f"{name} ({lo})")
    for lo in LOCALES[1:]:
        assert_translated(list(shown(rendered["en"])), list(shown(rendered[lo])), f"{name} ({lo})")


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_home_view_fits_and_speaks_each_language(name: str) -> None:
    rendered = {lo: VIEWS[name](lo) for lo in LOCALES}
    for lo, view_ in rendered.items():
        assert view_problems(view_) == [], (lo, name)
        assert fake_blockkit.check_view(view_) == [], (lo, name)
        assert_no_internal_names(list(shown(view_)), f"{name} ({lo})")
    for lo in LOCALES[1:]:
        assert_translated(list(shown(rendered["en"])), list(shown(rendered[lo])), f"{name} ({lo})")


@pytest.mark.parametrize("name", sorted(EPHEMERALS))
def test_every_ephemeral_speaks_each_language(name: str) -> None:
    rendered = {lo: EPHEMERALS[name](lo) for lo in LOCALES}
    for lo, text in rendered.items():
        assert text.strip() and len(text) <= 3000, (lo, name)
        assert_no_internal_names([text], f"{name} ({lo})")
    for lo in LOCALES[1:]:
        assert_translated([rendered["en"]], [rendered[lo]], f"{name} ({lo})")


def test_every_canonical_event_and_status_has_words() -> None:
    english = catalogue("en")
    for kind in CANONICAL_EVENT_TYPES:
        assert f"events.{kind}" in english, f"words/events.toml lacks {kind}"


def test_the_check_itself_catches_an_untranslated_line() -> None:
    english = alert_message(view("en"), locale="en", now=NOW)
    leaked = replace(view("de"), reasons=view("en").reasons)  # English evidence in German
    german = alert_message(leaked, locale="de", now=NOW)
    with pytest.raises(pytest.fail.Exception, match="still English"):
        assert_translated(list(shown(english)), list(shown(german)), "leak")
    with pytest.raises(AssertionError, match="page_view"):
        assert_no_internal_names(["• 7× page_view, capped"], "leak")
