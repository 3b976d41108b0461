"""The longer texts sdrbot sends, from the Jinja2 templates in `templates/<locale>/`.

Rendering is pure (a name, a locale and values in, text out); sending is the caller's. The
templates are read once per process. A text missing in a locale falls back to English, so a
new text can ship before its translation.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from bot.locales import LOCALES
from bot.mrkdwn import escape

FALLBACK = "en"


def templates_dir() -> Path:
    # a wheel carries them inside bot/; a checkout has them beside the packages
    for candidate in (
        Path(__file__).resolve().parent / "templates",
        Path(__file__).resolve().parents[1] / "templates",
    ):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("sdrbot's templates/ folder is missing; reinstall sdrbot")


@cache
def environment() -> Environment:
    """The one Jinja2 environment of sdrbot's texts (also used by `bot.words`)."""
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["mrkdwn"] = escape  # lead and user text must never ping or link
    return env


def render(name: str, locale: str, /, **values: Any) -> str:
    """The text `name` (e.g. "lead_help.mrkdwn") in `locale`, or in English if it has none."""
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; sdrbot speaks {', '.join(LOCALES)}")
    env = environment()
    try:
        template = env.get_template(f"{locale}/{name}.j2")
    except TemplateNotFound:
        template = env.get_template(f"{FALLBACK}/{name}.j2")
    return template.render(**values).strip()
