"""The words catalogue: every English text has a German one with the same placeholders."""

from __future__ import annotations

import re

import pytest
from jinja2 import meta

from bot import words
from bot.locales import LOCALES
from bot.texts import environment
from scoring.lifecycle import Status

# Texts that are the same word in both languages on purpose (names, loan words).
SAME_IN_BOTH = {"status.lead", "alert.field.score", "alert.field.sla", "alert.field.status"}
# placeholders, Jinja tags and Slack's date tokens are no words to translate
_NOT_WORDS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[a-z_]+\}")


def _has_words(text: str) -> bool:
    return any(c.isalpha() for c in _NOT_WORDS.sub("", text))


def _placeholders(text: str) -> set[str]:
    return meta.find_undeclared_variables(environment().parse(text))


def test_every_english_text_is_translated_with_the_same_placeholders() -> None:
    english = words.catalogue("en")
    assert english, "templates/en/words/ is empty"
    for locale in LOCALES:
        other = words.catalogue(locale)
        missing = sorted(set(english) - set(other))
        assert not missing, f"templates/{locale}/words/ lacks {missing}"
        extra = sorted(set(other) - set(english))
        assert not extra, f"templates/{locale}/words/ has keys English lacks: {extra}"
        for key, text in english.items():
            assert _placeholders(other[key]) == _placeholders(text), (locale, key)
            if locale != "en" and key not in SAME_IN_BOTH and _has_words(text):
                assert other[key] != text, f"{key} is still English in {locale}"


def test_say_reads_the_locale_asked_for() -> None:
    assert words.say("de", "status.won") == "Gewonnen"
    assert words.say("en", "status.mql") == "Marketing-qualified (MQL)"


def test_every_status_has_a_word() -> None:
    for locale in LOCALES:
        for status in Status:
            assert words.say(locale, f"status.{status.value}")


def test_an_unknown_key_or_locale_says_what_is_wrong() -> None:
    with pytest.raises(KeyError, match=r"no text 'status\.nope'"):
        words.say("en", "status.nope")
    with pytest.raises(ValueError, match="unknown locale 'fr'"):
        words.say("fr", "status.won")
