"""A lead's reasons name its rules in the team's language: the label the model the score was
made under has for the locale, else the rule's `label`, else (a rule the model no longer has)
the label stored with the breakdown line. Alerts, /lead cards and handovers alike."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.slack.blocks import alert_message
from bot.slack.blocks.handover import handover_message
from bot.slack.handover_render import handover_view
from bot.slack.lookup import card_answer
from bot.slack.render import alert_view
from bot.triage_settings import Triage
from bot.usecases.lifecycle.decisions import decide, slack_actor
from bot.usecases.queries.leads import lead_card
from storage.db import session_scope
from storage.repositories import model_versions
from storage.tables import Decision, LeadScore
from tests.conftest import NOW
from tests.factories import ceo_and_webinar_rules, make_mql

MODEL = '[model]\nname = "Labels"\n\n' + ceo_and_webinar_rules(
    'labels = { de = "Geschäftsführung oder Gründer" }',
    'labels = { de = "Webinar besucht" }',
    ceo_label="CEO, managing director or founder",
)
# the breakdown of tests.factories.make_mql: "ceo", "webinar" and "product" (which MODEL lacks)


def _labelled_mql(engine: Engine) -> int:
    lead_id = make_mql(engine, NOW)
    with session_scope(engine) as s:
        row = model_versions.add_version(
            session=s, text=MODEL, created_by="test", now=NOW, activate=True
        )
        score = s.get(LeadScore, lead_id)
        assert score is not None and row.version is not None
        score.model_version = row.version
        s.add(score)
    return lead_id


def _labels(engine: Engine, lead_id: int, locale: str) -> list[str]:
    with session_scope(engine) as s:
        view = alert_view(s, lead_id, locale)
    assert view is not None
    return sorted(r.label for r in view.reason_list)


def test_reasons_are_named_in_the_locale_with_label_and_stored_label_as_fallbacks(
    engine: Engine,
) -> None:
    lead_id = _labelled_mql(engine)
    assert _labels(engine, lead_id, "de") == [
        "Geschäftsführung oder Gründer",
        "Product page",
        "Webinar besucht",
    ]
    assert _labels(engine, lead_id, "en") == [
        "CEO, managing director or founder",
        "Product page",
        "Webinar attended",
    ]


def test_without_the_scores_model_version_the_stored_labels_are_shown(
    sqlite_engine: Engine,
) -> None:
    lead_id = make_mql(sqlite_engine, NOW)  # model version 1 is not stored
    assert _labels(sqlite_engine, lead_id, "de") == [
        "CEO or founder",
        "Product page",
        "Webinar attended",
    ]


def test_a_german_alert_shows_the_german_label_and_an_english_one_the_english(
    sqlite_engine: Engine,
) -> None:
    lead_id = _labelled_mql(sqlite_engine)
    with session_scope(sqlite_engine) as s:
        de, en = (alert_view(s, lead_id, locale) for locale in ("de", "en"))
    assert de is not None and en is not None
    german = str(alert_message(de, locale="de")["blocks"])
    english = str(alert_message(en, locale="en")["blocks"])
    assert "Geschäftsführung oder Gründer" in german and "CEO, managing" not in german
    assert "CEO, managing director or founder" in english and "Geschäftsführung" not in english


def test_a_german_lead_card_shows_the_german_label(sqlite_engine: Engine) -> None:
    lead_id = _labelled_mql(sqlite_engine)
    card = lead_card(sqlite_engine, lead_id)
    german = str(card_answer(card, lead_id, locale="de")["blocks"])
    english = str(card_answer(card, lead_id, locale="en")["blocks"])
    assert "Webinar besucht" in german and "Webinar attended" not in german
    assert "Webinar attended" in english and "Webinar besucht" not in english


def test_a_german_handover_shows_the_german_label(sqlite_engine: Engine) -> None:
    lead_id = _labelled_mql(sqlite_engine)
    decide(
        sqlite_engine, lead_id=lead_id, outcome="promote", actor=slack_actor("U0SDRANNA1"), now=NOW
    )
    with session_scope(sqlite_engine) as s:
        decision_id = s.exec(select(Decision.id)).one()
        assert decision_id is not None
        view = handover_view(s, decision_id, Triage(), NOW, "de")
    assert view is not None
    german = str(handover_message(view, "de")["blocks"])
    assert "Geschäftsführung oder Gründer" in german and "CEO, managing" not in german
