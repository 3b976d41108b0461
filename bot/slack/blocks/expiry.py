"""What Slack shows of an MQL that expired (scoring/expiry.py): the alert's closing section,
which replaces its buttons, and the note in its thread. Both say why, in the team's language,
from `templates/<locale>/words/expiry.toml`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import SectionBlock

from bot import mrkdwn
from bot.slack.blocks import parts
from bot.slack.blocks.views import ExpiredView
from bot.words import say


def because(view: ExpiredView, locale: str) -> str:
    """The bar it fell under, by more than the margin: the score's first, as that is what the
    threshold is known by; fit or engagement when only a minimum was missed."""
    common = {"margin": parts.number(view.margin) if view.margin else "", "grace": _days(view)}
    if view.score < view.threshold - view.margin:
        key, values = "score", {"score": parts.number(view.score)}
    elif view.engagement < view.min_engagement - view.margin:
        key, values = "engagement", {"engagement": parts.number(view.engagement)}
        values["minimum"] = parts.number(view.min_engagement)
    else:
        key, values = "fit", {"fit": parts.number(view.fit)}
        values["minimum"] = parts.number(view.min_fit)
    values["threshold"] = parts.number(view.threshold)
    return say(locale, f"expiry.because_{key}", **common, **values)


def _days(view: ExpiredView) -> str:
    return parts.number(view.grace_days) if view.grace_days > 0 else ""


def label(locale: str) -> str:
    """The alert's notification text starts with this instead of "New MQL"."""
    return say(locale, "expiry.label")


def expired_section(view: ExpiredView, locale: str = "en") -> SectionBlock:
    """The alert's last section once it expired: when, why, and what happens next."""
    lines = [
        say(locale, "expiry.heading", at=mrkdwn.date(view.at)),
        because(view, locale),
        say(locale, "expiry.back"),
    ]
    return SectionBlock(text=parts.md(mrkdwn.truncate("\n".join(lines), parts.SECTION_TEXT)))


def expiry_note(view: ExpiredView, locale: str = "en") -> dict[str, Any]:
    """The reply in the alert's thread: `{"text", "blocks"}` for chat_postMessage."""
    return {
        "text": parts.fallback(say(locale, "expiry.note")),
        "blocks": parts.render([expired_section(view, locale)]),
    }


def queued_note(note: Mapping[str, Any]) -> dict[str, Any]:
    """The thread note of an expiry as the recorder queued it (bot.outbox.messages.Note)."""
    view = ExpiredView.of(datetime.fromisoformat(str(note["at"])), note.get("expiry") or {})
    return expiry_note(view, str(note.get("locale") or "en"))
