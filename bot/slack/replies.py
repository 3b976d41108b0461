"""The short answers to clicks that could not do what they asked, in the team's language.

Ephemeral messages are mrkdwn; a modal's field errors are plain text (no mentions, no dates,
a short line), hence the `*_plain` variants.
"""

from __future__ import annotations

from datetime import UTC

from bot import mrkdwn
from bot.slack.blocks import human
from bot.usecases.lifecycle.decisions import Result, user_of
from bot.words import catalogue, say


def _done(locale: str, outcome: str) -> str:
    key = f"replies.done.{outcome}"
    return say(locale, key if key in catalogue("en") else "replies.done.other")


def got_there_first(result: Result, user_id: str) -> bool:
    """Whether what stopped this action was the same Slack user's own decision or claim."""
    prior = result.prior
    return prior is not None and prior.by in (user_id, f"slack:{user_id}")


def too_late(result: Result, locale: str = "en") -> str:
    """Who got there first, with what and when; or why the lead is not open any more."""
    prior = result.prior
    if prior is None:
        return say(locale, "replies.not_open", status=human.status(locale, result.status))
    values = {
        "who": human.actor(locale, prior.by),
        "what": _done(locale, prior.outcome),
        "reason": mrkdwn.escape(prior.reason) if prior.reason else "",
    }
    if prior.at is None:
        return say(locale, "replies.too_late_undated", **values)
    return say(locale, "replies.too_late", when=human.on(locale, prior.at), **values)


def too_late_plain(result: Result, locale: str = "en") -> str:
    prior = result.prior
    if prior is None:
        return say(locale, "replies.not_open_plain", status=human.status(locale, result.status))
    when = f"{prior.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if prior.at else ""
    return say(
        locale,
        "replies.too_late_plain",
        who=user_of(prior.by),
        what=_done(locale, prior.outcome).replace(" this lead", ""),
        when=when,
    )


def not_allowed(user_id: str, locale: str = "en") -> str:
    return say(locale, "replies.not_allowed", user=mrkdwn.escape(user_id))


def not_allowed_plain(user_id: str, locale: str = "en") -> str:
    return say(locale, "replies.not_allowed_plain", user=user_id)


def unknown_lead(lead_id: object, locale: str = "en") -> str:
    return say(locale, "replies.unknown_lead", id=mrkdwn.escape(lead_id))
