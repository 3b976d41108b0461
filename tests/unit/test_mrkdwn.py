"""Escaping lead and user text for Slack mrkdwn, and the constructs we emit ourselves."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import mrkdwn

EVIL = "*Bold_Guy* <!channel> <@U123> <http://x|y> & Co"
LOOKALIKES = {"\u2217": "*", "\u02cd": "_", "\u223c": "~", "\u02cb": "`", "\u203a": ">"}
ENTITY = re.compile(r"&(amp|lt|gt);")
# text without the characters escape() produces, so that unescaping is unambiguous
plain_text = st.text(
    alphabet=st.characters(
        exclude_characters="".join(LOOKALIKES) + "\u2060", exclude_categories=["Cs"]
    )
)


def unescape(text: str) -> str:
    text = text.replace("\u2060", "")
    for lookalike, original in LOOKALIKES.items():
        text = text.replace(lookalike, original)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_the_evil_lead_name_shows_literally_and_pings_no_one() -> None:
    shown = mrkdwn.escape(EVIL)
    assert "<" not in shown and ">" not in shown
    assert "&lt;!channel&gt;" in shown and "&lt;@U123&gt;" in shown
    assert "&lt;http://x|y&gt;" in shown and "&amp; Co" in shown
    assert "*" not in shown  # both asterisks sit at word boundaries
    assert "Bold_Guy" in shown  # an underscore between letters cannot format
    assert unescape(shown) == EVIL


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("john_doe@example.com", "john_doe@example.com"),
        ("snake_case_name", "snake_case_name"),
        ("3*4", "3*4"),
        ("me@channel.com", "me@channel.com"),
    ],
)
def test_characters_inside_words_stay_copyable(raw: str, kept: str) -> None:
    assert mrkdwn.escape(raw) == kept


@pytest.mark.parametrize(
    ("raw", "absent"),
    [
        ("_italic_", "_"),
        ("~strike~", "~"),
        ("*bold*", "*"),
        ("a `code` b", "`"),
        ("x`y`z", "`"),
        ("> quoted", ">"),
        ("line\n  > quoted", ">"),
    ],
)
def test_formatting_delimiters_are_neutralised(raw: str, absent: str) -> None:
    shown = mrkdwn.escape(raw)
    assert absent not in shown
    assert unescape(shown) == raw


@pytest.mark.parametrize("word", ["@channel", "@here", "@everyone", "@HERE"])
def test_broadcast_words_are_broken(word: str) -> None:
    for escaped in (mrkdwn.escape(f"hi {word}!"), mrkdwn.escape_plain(f"hi {word}!")):
        assert word not in escaped
        assert unescape(escaped) == f"hi {word}!"


def test_plain_text_escaping_keeps_formatting_characters() -> None:
    assert (
        mrkdwn.escape_plain(EVIL)
        == "*Bold_Guy* &lt;!channel&gt; &lt;@U123&gt; &lt;http://x|y&gt; &amp; Co"
    )


@given(plain_text)
def test_escape_is_reversible_and_leaves_no_control_characters(text: str) -> None:
    shown = mrkdwn.escape(text)
    assert "<" not in shown and ">" not in shown
    assert all(ENTITY.match(shown, m.start()) for m in re.finditer("&", shown))
    assert unescape(shown) == text


@given(plain_text, st.integers(min_value=0, max_value=60))
def test_truncate_never_breaks_an_entity(text: str, limit: int) -> None:
    shown = mrkdwn.escape(text)
    cut = mrkdwn.truncate(shown, limit)
    assert len(cut) <= limit
    assert all(ENTITY.match(cut, m.start()) for m in re.finditer("&", cut))
    if cut != shown and cut:
        assert cut.endswith(mrkdwn.ELLIPSIS)
        assert shown.startswith(cut[:-1].rstrip())


def test_truncate_examples() -> None:
    assert mrkdwn.truncate("short", 10) == "short"
    assert mrkdwn.truncate("a&amp;b", 4) == "a…"
    assert mrkdwn.truncate("hi <@U123ABC> there", 9) == "hi…"
    assert mrkdwn.truncate("abcdef", 4) == "abc…"
    assert mrkdwn.clip("<!here> " * 10, 20).endswith("…")


def test_mention_only_for_well_formed_ids() -> None:
    assert mrkdwn.mention("U0SDRANNA1") == "<@U0SDRANNA1>"
    assert mrkdwn.mention("W0ENTERPRISE") == "<@W0ENTERPRISE>"
    assert mrkdwn.mention("u0lower") == "u0lower"
    assert mrkdwn.mention("U1> <!channel") == "U1&gt; &lt;!channel"
    assert mrkdwn.mention(None) == "someone"


def test_date_is_localised_with_a_utc_fallback() -> None:
    moment = datetime(2025, 3, 1, 13, 30, tzinfo=timezone(timedelta(hours=1)))
    assert (
        mrkdwn.date(moment) == "<!date^1740832200^{date_short_pretty} {time}|2025-03-01 12:30 UTC>"
    )
    assert mrkdwn.date(datetime(2025, 3, 1, 12, 30)) == mrkdwn.date(moment)  # naive is UTC
    assert mrkdwn.date(datetime(2025, 3, 1, 12, 30, tzinfo=UTC), "{date}").startswith(
        "<!date^1740832200^{date}|"
    )


def test_links_only_for_plain_web_urls() -> None:
    assert (
        mrkdwn.link("https://example.com/a?b=1", "A & B") == "<https://example.com/a?b=1|A &amp; B>"
    )
    assert mrkdwn.link("javascript:alert(1)", "x") == "x"
    assert mrkdwn.link("https://x.com/|<!channel>", "ok") == "ok"


def test_fit_lines_keeps_whole_lines_and_counts_the_rest() -> None:
    lines = [f"line {i:02d}" for i in range(20)]
    joined = mrkdwn.fit_lines(lines, 60)
    assert len(joined) <= 60
    kept = joined.split("\n")
    assert kept[-1] == f"… and {20 - len(kept) + 1} more"
    assert kept[:-1] == lines[: len(kept) - 1]
    assert mrkdwn.fit_lines(lines[:3], 100) == "\n".join(lines[:3])
    assert mrkdwn.fit_lines(["x" * 50], 10) == "… and 1 m…"
