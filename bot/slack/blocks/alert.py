"""The MQL alert (SPEC §4): posted to the routed SDR channel, updated in place after a decision.

The same builder renders all three states from the view: open (all four buttons), claimed (the
owner shown, no Claim button) and decided (the outcome, who and when, no buttons at all), so
`chat.update` after a click is just `alert_message(new_view)`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ConfirmObject, SectionBlock

from bot import mrkdwn
from bot.slack.blocks import expiry, human, parts
from bot.slack.blocks.views import AlertView, DecisionView
from bot.words import say

ACTION_CLAIM = "lead_claim"
ACTION_PROMOTE = "lead_promote"
ACTION_RECYCLE = "lead_recycle"
ACTION_DISQUALIFY = "lead_disqualify"
ACTION_REASSIGN = "lead_reassign"
ACTIONS_BLOCK_ID = "lead_actions"
METADATA_EVENT = "sdrbot_mql_alert"

MAX_REASONS = 5
MAX_TIMELINE = 5


def buttons(view: AlertView, locale: str = "en") -> ActionsBlock:
    """Claim (while nobody owns the lead), Promote, Recycle, Disqualify, Reassign: the alert's
    and the /lead card's decision buttons."""
    return decision_buttons(view.lead_id, owned=bool(view.owner_slack_id), locale=locale)


def decision_buttons(
    lead_id: int,
    *,
    owned: bool,
    locale: str = "en",
    block_id: str = ACTIONS_BLOCK_ID,
    per_lead: bool = False,
) -> ActionsBlock:
    """The buttons of an open MQL wherever it is shown (alert, /lead card, App Home), so every
    place opens the same modals under the same checks. `per_lead`: the action ids end in
    ":<lead id>" (`lead_promote:42`), for a surface listing many leads (App Home), where no
    action id may repeat; `base_action` gives the action back."""

    def word(key: str) -> str:
        return say(locale, f"alert.{key}")

    def action(name: str) -> str:
        return f"{name}:{lead_id}" if per_lead else name

    value = str(lead_id)
    elements = []
    if not owned:
        elements.append(
            ButtonElement(
                text=parts.plain(word("button.claim")), action_id=action(ACTION_CLAIM), value=value
            )
        )
    elements += [
        ButtonElement(
            text=parts.plain(word("button.promote")),
            action_id=action(ACTION_PROMOTE),
            value=value,
            style="primary",
        ),
        ButtonElement(
            text=parts.plain(word("button.recycle")), action_id=action(ACTION_RECYCLE), value=value
        ),
        ButtonElement(
            text=parts.plain(word("button.disqualify")),
            action_id=action(ACTION_DISQUALIFY),
            value=value,
            style="danger",
            confirm=ConfirmObject(
                title=parts.plain(word("confirm.title")),
                text=parts.md(word("confirm.text")),
                confirm=parts.plain(word("confirm.yes")),
                deny=parts.plain(word("confirm.no")),
                style="danger",
            ),
        ),
        ButtonElement(
            text=parts.plain(say(locale, "ownership.reassign_button")),
            action_id=action(ACTION_REASSIGN),
            value=value,
        ),
    ]
    return ActionsBlock(block_id=block_id, elements=elements)


def base_action(action_id: str) -> str:
    """`lead_promote:42` (a per-lead button) → `lead_promote`; other ids as they are."""
    return action_id.split(":", 1)[0]


def any_lead(action_id: str) -> re.Pattern[str]:
    """What a listener matches: the action id, alone or per lead."""
    return re.compile(rf"^{re.escape(action_id)}(?::\d+)?$")


def hand_raise(view: AlertView, locale: str, now: datetime | None) -> tuple[str, str] | None:
    """(what, how long ago) of the lead's hand-raise, plain words; None without one."""
    if not view.fast_track:
        return None
    if view.hand_raise_at is None:
        return human.raised(locale, view.fast_track), ""
    when = (
        human.ago(locale, view.hand_raise_at, now)
        if now is not None
        else f"{view.hand_raise_at:%Y-%m-%d}"
    )
    return human.raised(locale, view.fast_track), when


def alert_fallback(view: AlertView, locale: str = "en", now: datetime | None = None) -> str:
    """The notification line: the hand-raise first when there is one, and a re-MQL says so."""
    name = mrkdwn.escape(parts.display_name(view, locale))
    where = ", ".join(mrkdwn.escape(x) for x in (view.title, view.company) if x)
    values: dict[str, Any] = {
        "subject": f"{name} ({where})" if where else name,
        "score": parts.score_line(view),
    }
    raised = hand_raise(view, locale, now)
    if raised:
        values["raised"] = mrkdwn.escape(" ".join(x for x in raised if x))
    if view.expired is not None:
        return parts.fallback(f"{expiry.label(locale)}: {values['subject']}", locale)
    if view.decision is not None:
        _, label = parts.outcome(view.decision.outcome, locale)
        key = "decided"
        values["outcome"] = label
    elif view.re_mql:
        key = "re_mql_raised" if raised else "re_mql"
    else:
        key = "raised" if raised else "new"
    return parts.fallback(say(locale, f"alert.text.{key}", **values), locale)


def alert_metadata(view: AlertView) -> dict[str, Any]:
    """Message metadata, so the sender can find an alert it already posted before re-posting."""
    return {"event_type": METADATA_EVENT, "event_payload": {"lead_id": view.lead_id}}


def _closing(view: AlertView, locale: str) -> SectionBlock | ActionsBlock:
    """The buttons while it is open; else what closed it (no buttons left to press)."""
    if view.expired is not None:
        return expiry.expired_section(view.expired, locale)
    if view.decision is not None:
        return parts.decision_section(view.decision, locale)
    return buttons(view, locale)


def headline(view: AlertView, locale: str = "en", now: datetime | None = None) -> str:
    """The header's plain text: "Demo requested 2 h ago · Anna Richter", or just the name."""
    name = parts.display_name(view, locale)
    raised = hand_raise(view, locale, now)
    if raised is None or view.decision is not None:
        return name
    return say(locale, "alert.headline", raised=" ".join(x for x in raised if x), name=name)


def earlier_section(view: AlertView, locale: str = "en") -> SectionBlock | None:
    """A re-MQL's earlier decision (who, when, reason, notes) and a link to its alert."""
    if view.earlier is None:
        return None
    text = say(
        locale, "alert.earlier_decision", decision=parts.decision_text(view.earlier, locale=locale)
    )
    if view.earlier_link:
        text += "\n" + mrkdwn.link(view.earlier_link, say(locale, "alert.earlier_alert"))
    return SectionBlock(text=parts.md(mrkdwn.truncate(text, parts.SECTION_TEXT)))


def alert_message(
    view: AlertView, *, locale: str = "en", now: datetime | None = None
) -> dict[str, Any]:
    """`{"text", "blocks", "metadata"}`: pass as keyword arguments to chat_postMessage/update.

    `now` words the hand-raise's age ("2 h ago"); without it the date is shown."""
    status = human.status(locale, view.status)
    more = say(locale, "alert.more_reasons", id=view.lead_id)
    blocks = parts.render(
        [
            parts.header(headline(view, locale, now), locale),
            parts.fact_fields(view, locale=locale),
            parts.flags(view, locale, now),
            earlier_section(view, locale),
            parts.reasons_section(
                say(locale, "alert.why"), view.reason_list, MAX_REASONS, more=more, locale=locale
            ),
            parts.timeline_section(
                say(locale, "alert.recent"), view.timeline_list, MAX_TIMELINE, locale
            ),
            _closing(view, locale),
            parts.footer(
                say(locale, "alert.footer", id=view.lead_id, status=status),
                human.grade_legend(locale, view.grade),
            ),
        ]
    )
    return {
        "text": alert_fallback(view, locale, now),
        "blocks": blocks,
        "metadata": alert_metadata(view),
    }


def thread_note(decision: DecisionView, locale: str = "en") -> dict[str, Any]:
    """A reply in the alert's thread recording a decision (or a claim)."""
    _, label = parts.outcome(decision.outcome, locale)
    reason = mrkdwn.escape(decision.reason) if decision.reason else ""
    text = say(locale, "outcome.note_text", label=label, reason=reason)
    return {
        "text": parts.fallback(text, locale),
        "blocks": parts.render(
            [SectionBlock(text=parts.md(parts.decision_text(decision, locale=locale)))]
        ),
    }
