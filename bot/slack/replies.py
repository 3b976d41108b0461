"""The short answers to clicks that could not do what they asked.

Ephemeral messages are mrkdwn; a modal's field errors are plain text (no mentions, no dates,
a short line), hence the `*_plain` variants.
"""

from __future__ import annotations

from datetime import UTC

from bot import mrkdwn
from bot.usecases.lifecycle.decisions import CLAIM, Result, user_of

_DONE = {
    "promote": "promoted this lead to SQL",
    "recycle": "recycled this lead",
    "disqualify": "disqualified this lead",
    CLAIM: "claimed this lead",
}


def too_late(result: Result) -> str:
    """Who got there first, with what and when; or why the lead is not open any more."""
    prior = result.prior
    if prior is None:
        return (
            f"This lead is no longer an open MQL (it is now *{result.status}*), so nothing "
            "was changed."
        )
    who = mrkdwn.mention(user_of(prior.by))
    when = f" {mrkdwn.date(prior.at)}" if prior.at else ""
    reason = f" (reason: {mrkdwn.escape(prior.reason)})" if prior.reason else ""
    what = _DONE.get(prior.outcome, mrkdwn.escape(prior.outcome))
    return f"Too late: {who} already {what}{when}{reason}. Your click changed nothing."


def too_late_plain(result: Result) -> str:
    prior = result.prior
    if prior is None:
        return f"This lead is no longer an open MQL (now {result.status}); nothing was changed."
    when = f" at {prior.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if prior.at else ""
    what = _DONE.get(prior.outcome, prior.outcome).replace(" this lead", "")
    return f"Too late: {user_of(prior.by)} already {what}{when}. Nothing was changed."


def not_allowed(user_id: str) -> str:
    return (
        "Only the SDRs named in sdrbot's configuration (`[roles]` in sdrbot.toml) may claim "
        f"and decide MQLs. Ask your sdrbot admin to add you; your Slack user id is "
        f"`{mrkdwn.escape(user_id)}`."
    )


def not_allowed_plain(user_id: str) -> str:
    return f"Only the SDRs in sdrbot's [roles] may decide MQLs. Your Slack id: {user_id}."


def unknown_lead(lead_id: object) -> str:
    return f"Lead #{mrkdwn.escape(lead_id)} does not exist any more; nothing was changed."
