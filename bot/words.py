"""The short texts a Slack user reads (labels, headings, ephemerals), in the team's language.

They live in `templates/<locale>/words/<area>.toml`: one file per area of the product (the alert,
the handover, the modals, …), each key a Jinja2 template of one line or a few. `say("de",
"alert.claim")` reads key `claim` of `templates/de/words/alert.toml`; nested tables give dotted
keys (`alert.header.new`). Longer texts with layout stay in `bot.texts`.

A key missing in a locale falls back to English at run time, so a running bot never fails on a
translation; `tests/unit/test_words.py` fails the build instead, so no key ships untranslated.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Template

from bot.locales import LOCALES
from bot.texts import FALLBACK, environment, templates_dir


def _flatten(table: dict[str, Any], prefix: str, out: dict[str, str], source: Path) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            _flatten(value, name, out, source)
        elif isinstance(value, str):
            out[name] = value
        else:
            raise ValueError(f"{source}: {name} must be text, not {type(value).__name__}")


@cache
def catalogue(locale: str) -> dict[str, str]:
    """Every key of `locale` and its template text (read once per process)."""
    out: dict[str, str] = {}
    folder = templates_dir() / locale / "words"
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as f:
            _flatten(tomllib.load(f), path.stem, out, path)
    return out


@cache
def _compiled(locale: str, key: str) -> Template:
    texts = catalogue(locale)
    if key not in texts:
        if key not in catalogue(FALLBACK):
            raise KeyError(f"no text {key!r} in templates/{FALLBACK}/words/")
        texts = catalogue(FALLBACK)
    return environment().from_string(texts[key])


def say(locale: str, key: str, /, **values: Any) -> str:
    """The text `key` in `locale` with `values` filled in (use `|mrkdwn` for lead and user text)."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; sdrbot speaks {', '.join(LOCALES)}")
    return _compiled(locale, key).render(**values).strip()
