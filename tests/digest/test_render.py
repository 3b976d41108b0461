"""The digest in both languages, within Slack's limits, and its chart."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from bot.digest.chart import digest_chart
from bot.digest.numbers import DigestNumbers, Ranked, Reason, digest_numbers
from bot.digest.texts import digest_texts
from bot.digest.weeks import Week
from bot.slack.blocks import message_problems
from bot.slack.blocks.digest import digest_message
from storage.db import session_scope
from tests.digest.week48 import NOW, build


@pytest.fixture
def numbers(sqlite_engine: Engine) -> DigestNumbers:
    build(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        return digest_numbers(session, Week(2026, 48), ZoneInfo("Europe/Berlin"), now=NOW)


def test_english(numbers: DigestNumbers) -> None:
    message = digest_message(digest_texts(numbers, "en", "Europe/Berlin"))
    assert message_problems(message) == []
    text = "\n".join(_texts(message))
    assert "Funnel digest for week 2026-W48 (2026-11-23 to 2026-11-29)" in text
    assert "The MQL definition looks too lax" in text and "14 %" in text
    assert "*MQL → SQL*: 14 % (2 of 14); benchmark 25–40 %, below it." in text
    assert "*Lead → MQL*: 12 % (12 of 100); benchmark 10–15 %, within it." in text
    assert "webinar (8), ads (6)" in text and "Disqualified: Spam (5)." in text
    assert "3 MQLs wait for a decision; the oldest has waited 10 days." in text
    assert "Score 80 to 99: 50 % became SQLs (2 of 4)." in text
    assert "0 SLA reminders and 0 escalations went out." in text
    assert "MQL→SQL: of the MQLs that left the stage in the week" in text  # the footnote


def test_german(numbers: DigestNumbers) -> None:
    message = digest_message(digest_texts(numbers, "de", "Europe/Berlin"))
    assert message_problems(message) == []
    text = "\n".join(_texts(message))
    assert "Funnel-Bericht für Woche 2026-W48" in text
    assert "Die MQL-Definition wirkt zu lasch" in text and "14 %" in text
    assert "Richtwert 25–40 %, darunter." in text and "Disqualifiziert: Spam (5)." in text
    assert "too lax" not in text and "benchmark" not in text


def test_lead_text_is_escaped_and_long_lists_stay_within_limits(numbers: DigestNumbers) -> None:
    loud = replace(
        numbers,
        mql_sources=(Ranked("<!channel> *webinar*", 3), Ranked(None, 2)),
        reasons=tuple(Reason("recycle", "x" * 190 + str(i), 1) for i in range(40)),
    )
    message = digest_message(digest_texts(loud, "en", "UTC"))
    text = "\n".join(_texts(message))
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "not recorded (2)" in text
    assert message_problems(message) == []


def test_the_too_strict_verdict(numbers: DigestNumbers) -> None:
    starved = replace(numbers, funnel=replace(numbers.funnel, verdict="too_strict"))
    text = "\n".join(_texts(digest_message(digest_texts(starved, "en", "UTC"))))
    assert "The MQL definition looks too strict." in text and "far fewer than" in text


def test_the_chart_is_a_png_in_either_language(numbers: DigestNumbers) -> None:
    for locale in ("en", "de"):
        png = digest_chart(numbers, locale)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def _texts(message: dict) -> list[str]:  # type: ignore[type-arg]
    out = [message["text"]]
    for block in message["blocks"]:
        if "text" in block:
            out.append(block["text"]["text"])
        out.extend(e.get("text", "") for e in block.get("elements", []))
    return out
