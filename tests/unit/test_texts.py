"""The templates of the longer texts: every locale has every text, values are escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import texts
from bot.mrkdwn import escape


def names(locale: str) -> set[str]:
    folder = texts.templates_dir() / locale
    return {p.name.removesuffix(".j2") for p in folder.glob("*.j2")}


def test_every_locale_has_every_english_text() -> None:
    english = names("en")
    assert english  # the folder was found and holds texts
    for locale in texts.LOCALES:
        assert names(locale) == english, locale


@pytest.mark.parametrize("locale", texts.LOCALES)
def test_every_text_renders_in_every_locale(locale: str) -> None:
    for name in names("en"):
        assert texts.render(name, locale).strip()


def test_a_missing_translation_falls_back_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "de").mkdir()
    (tmp_path / "en" / "hello.mrkdwn.j2").write_text("Hello {{ name | mrkdwn }}")
    monkeypatch.setattr(texts, "templates_dir", lambda: tmp_path)
    texts.environment.cache_clear()
    try:
        assert texts.render("hello.mrkdwn", "de", name="<!channel> & *Co*") == "Hello " + escape(
            "<!channel> & *Co*"
        )
        assert "<!channel>" not in escape("<!channel>")
        with pytest.raises(ValueError, match="unknown locale 'fr'; sdrbot speaks en, de"):
            texts.render("hello.mrkdwn", "fr", name="x")
    finally:
        texts.environment.cache_clear()
