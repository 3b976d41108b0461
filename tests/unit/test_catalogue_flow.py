"""Every modal and message of the triage around a decision (the decision modals, reassign, the
handover and the AE's answer, ownership and comment notes, the gate's errors), rendered in
every locale: within Block Kit's limits, in the locale's words, and without internal names."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import words
from bot.locales import LOCALES
from bot.slack.blocks import AlertView, human, message_problems, view_problems
from bot.slack.blocks.handover import handover_message, history_lines
from bot.slack.blocks.handover_view import EarlierDecision, HandoverView, ReplyView
from bot.slack.blocks.modals import Promotion, promote_modal, reason_modal
from bot.slack.blocks.notes import TRIAGE_NOTES, triage_note
from bot.slack.blocks.parts import timeline_line
from bot.slack.blocks.reply_modals import reassign_modal, send_back_modal
from bot.slack.blocks.views import TimelineEntry
from bot.slack.checks import promote_errors, reason_errors
from scoring.model import CANONICAL_EVENT_TYPES
from scoring.qualification import ANSWERS, Gate
from tests.fakeslack import blockkit as fake_blockkit

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SDR, AE, OTHER = "U0SDRANNA1", "U0AEMAX001", "U0SDRBEN01"
AREAS = ("bant", "modals", "ownership", "handover")
# what must never reach a reader: stored values, block ids, causes, event types, Python's None
INTERNAL = re.compile(
    r"\b(?:"
    + "|".join(
        sorted(
            {v for answers in ANSWERS.values() for v in answers if "_" in v}
            | {t for t in CANONICAL_EVENT_TYPES if "_" in t}
            | {"pain_points", "take_over", "sent_back", "handover:sent_back", "ae_slack_id"}
        )
    )
    + r")\b|\bNone\b|decision:"
)
NOT_SHOWN = {"action_id", "block_id", "callback_id", "private_metadata", "value", "type"}
NOT_SHOWN |= {"style", "url", "initial_user", "event_type"}


def shown(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in NOT_SHOWN:
                yield from shown(value)
    elif isinstance(node, list):
        for item in node:
            yield from shown(item)
    elif isinstance(node, str):
        yield node


def lead(**changes: Any) -> AlertView:
    fields: dict[str, Any] = dict(
        lead_id=42,
        name="Dana Beispiel",
        email="dana@hotel.example",
        title="COO",
        company="Beispiel Hotels",
        score=72,
        fit=30,
        engagement=42,
        fit_grade="B",
        engagement_level=2,
        reasons=[("Hotelkette", 30, "")],
        owner_slack_id=SDR,
    )
    fields.update(changes)
    return AlertView(**fields)


def handover(reply: ReplyView | None) -> HandoverView:
    events = [(NOW - timedelta(days=i), "email_open", "") for i in range(6)]
    events += [(NOW - timedelta(hours=3), t, "") for t in CANONICAL_EVENT_TYPES[6:]]
    events.append((NOW - timedelta(days=9), "trial_started", ""))
    return HandoverView(
        lead=lead(),
        decision_id=7,
        qualifier=SDR,
        now=NOW,
        ae=AE,
        bant={"budget": "planned", "authority": "decision_maker", "need": "urgent"},
        pain_points="Excel",
        notes="Pilot",
        company_size=250,
        country="DE",
        source="Webinar",
        crm_id="CRM-77",
        crm_url="https://crm.example.com/lead/CRM-77",
        attributes=[("Plan", "Pro")],
        earlier=[EarlierDecision("recycle", OTHER, NOW - timedelta(days=90), "Zeit", "Feb")],
        events=events,
        reply=reply,
        alert_link="https://fake.slack.com/archives/C1/p1",
    )


VIEWS: dict[str, Callable[[str], dict[str, Any]]] = {
    "promote": lambda loc: promote_modal(42, "Dana", locale=loc, owner=OTHER),
    "promote, own lead": lambda loc: promote_modal(42, "", locale=loc),
    "recycle": lambda loc: reason_modal("recycle", 42, "Dana", ["Zeit"], locale=loc, owner=OTHER),
    "disqualify": lambda loc: reason_modal("disqualify", 42, "Dana", [], locale=loc),
    "reassign": lambda loc: reassign_modal(42, "Dana", locale=loc, owner=OTHER),
    "send back": lambda loc: send_back_modal(7, 42, "Dana", SDR, locale=loc),
}
MESSAGES: dict[str, Callable[[str], dict[str, Any]]] = {
    "handover": lambda loc: handover_message(handover(None), loc),
    "handover accepted": lambda loc: handover_message(
        handover(ReplyView("accepted", AE, NOW)), loc
    ),
    "handover sent back": lambda loc: handover_message(
        handover(ReplyView("sent_back", AE, NOW, "Kein Projekt")), loc
    ),
    **{
        f"note {outcome}": (
            lambda loc, outcome=outcome: triage_note(
                {
                    "outcome": outcome,
                    "by": AE,
                    "at": NOW.isoformat(),
                    "owner": SDR,
                    "previous": OTHER,
                    "reason": "Kein Projekt",
                    "notes": "Excel\nPilot",
                },
                loc,
            )
        )
        for outcome in sorted(TRIAGE_NOTES)
    },
    "note assigned": lambda loc: triage_note(
        {"outcome": "reassigned", "by": OTHER, "at": NOW.isoformat(), "owner": SDR}, loc
    ),
}


def english_only(locale: str) -> set[str]:
    """The English texts of our areas without placeholders: none may show in `locale`."""
    return {
        text
        for key, text in words.catalogue("en").items()
        if key.split(".")[0] in AREAS and "{" not in text and len(text) > 3
    }


# English words no German text of ours uses: they catch English written into the code
ENGLISH = re.compile(r"\b(?:the|and|this|with|your|is|of|to|by|Choose|Cancel|Other)\b")


def assert_in_locale(texts: list[str], locale: str) -> None:
    joined = "\n".join(texts)
    assert not INTERNAL.search(joined), INTERNAL.search(joined)
    if locale != "en":
        leaked = sorted(t for t in english_only(locale) if t in texts)
        assert not leaked, f"untranslated in {locale}: {leaked}"
        english = [t for t in texts if ENGLISH.search(t.replace("https://", ""))]
        assert not english, f"English in {locale}: {english}"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", VIEWS)
def test_every_modal_in_every_locale(name: str, locale: str) -> None:
    view = VIEWS[name](locale)
    assert view_problems(view) == [] and fake_blockkit.check_view(view) == []
    assert_in_locale(list(shown(view)), locale)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", MESSAGES)
def test_every_message_in_every_locale(name: str, locale: str) -> None:
    message = MESSAGES[name](locale)
    assert message_problems(message) == []
    assert fake_blockkit.check_blocks(message["blocks"], "message") == []
    assert message["text"].strip()
    texts = [*shown(message["blocks"]), message["text"]]
    assert_in_locale(texts, locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_handover_groups_repeats_and_names_events_in_words(locale: str) -> None:
    history = next(
        t for t in shown(handover_message(handover(None), locale)["blocks"]) if "× " in t
    )
    opened = words.say(locale, "events.email_open")
    ago = words.say(locale, "handover.ago.today")
    assert f"6 × {opened}" in history and ago in history
    assert "Trial started" in history  # a custom event, readable though not in the catalogue


@pytest.mark.parametrize("locale", LOCALES)
def test_every_gate_error_in_every_locale(locale: str) -> None:
    gate = Gate(required=("need", "pain_points"), must_meet=("budget",), min_met=4)
    form = Promotion({"budget": "none", "timing": "half_year"}, None, None, None)
    found = promote_errors(form, gate, locale)
    assert set(found) == {"need", "pain_points", "budget", "authority"}
    found.update(reason_errors("Erfunden", ["Zeit"], locale))
    assert all(len(t) <= 300 for t in found.values())
    assert_in_locale(list(found.values()), locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_canonical_event_has_a_label(locale: str) -> None:
    every = [(NOW, t, "") for t in CANONICAL_EVENT_TYPES]
    lines = history_lines(locale, replace(handover(None), events=every))
    assert len(lines) == len(CANONICAL_EVENT_TYPES)
    assert_in_locale(lines, locale)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", CANONICAL_EVENT_TYPES)
def test_the_handover_names_each_event_as_the_alert_does(kind: str, locale: str) -> None:
    """One table of event words: the handover's history, once and grouped, and the alert's
    timeline say the catalogue's `events.<type>`, nothing of their own."""
    label = words.say(locale, f"events.{kind}")
    once = [(NOW - timedelta(days=2), kind, "")]
    twice = [(NOW, kind, ""), (NOW - timedelta(days=1), kind, "")]
    [single] = history_lines(locale, replace(handover(None), events=once))
    [grouped] = history_lines(locale, replace(handover(None), events=twice))
    assert re.match(rf"• {re.escape(label)}\W", single), single
    assert re.search(rf"\b2 × {re.escape(label)}\W", grouped), grouped
    timeline = timeline_line(TimelineEntry(NOW, kind, ""), locale)
    assert timeline.endswith(f" {label}")


@pytest.mark.parametrize("locale", LOCALES)
def test_a_lone_event_shows_its_detail_as_the_alert_does(locale: str) -> None:
    at = NOW - timedelta(hours=1)
    [line] = history_lines(locale, replace(handover(None), events=[(at, "page_view", "/pricing")]))
    shown_in_alert = timeline_line(TimelineEntry(at, "page_view", "/pricing"), locale)
    assert words.say(locale, "events.page_view") + " /pricing" in line
    assert shown_in_alert.endswith(words.say(locale, "events.page_view") + " /pricing")


@pytest.mark.parametrize("locale", LOCALES)
def test_an_events_id_like_detail_reads_as_words_and_a_url_stays(locale: str) -> None:
    form = human.event_label(locale, "form_submit", "newsletter_signup")
    assert form == words.say(locale, "events.form_submit") + " newsletter signup"
    url = human.event_label(locale, "page_view", "https://x.example/a_b")
    assert url.endswith(" https://x.example/a_b")
