"""The MQL alert (SPEC §4): posted to the routed SDR channel, updated in place after a decision.

The same builder renders all three states from the view: open (all four buttons), claimed (the
owner shown, no Claim button) and decided (the outcome, who and when, no buttons at all), so
`chat.update` after a click is just `alert_message(new_view)`.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ConfirmObject, SectionBlock

from bot import mrkdwn
from bot.slack.blocks import expiry, parts
from bot.slack.blocks.views import AlertView, DecisionView

ACTION_CLAIM = "lead_claim"
ACTION_PROMOTE = "lead_promote"
ACTION_RECYCLE = "lead_recycle"
ACTION_DISQUALIFY = "lead_disqualify"
ACTIONS_BLOCK_ID = "lead_actions"
METADATA_EVENT = "sdrbot_mql_alert"

MAX_REASONS = 5
MAX_TIMELINE = 5


def _buttons(view: AlertView) -> ActionsBlock:
    value = str(view.lead_id)
    buttons = []
    if not view.owner_slack_id:
        buttons.append(
            ButtonElement(text=parts.plain("Claim"), action_id=ACTION_CLAIM, value=value)
        )
    buttons += [
        ButtonElement(
            text=parts.plain("Promote to SQL"),
            action_id=ACTION_PROMOTE,
            value=value,
            style="primary",
        ),
        ButtonElement(text=parts.plain("Recycle"), action_id=ACTION_RECYCLE, value=value),
        ButtonElement(
            text=parts.plain("Disqualify"),
            action_id=ACTION_DISQUALIFY,
            value=value,
            style="danger",
            confirm=ConfirmObject(
                title=parts.plain("Disqualify this lead?"),
                text=parts.md(
                    "You will be asked for a reason next. The lead leaves the MQL "
                    "queue for good unless it is reopened."
                ),
                confirm=parts.plain("Continue"),
                deny=parts.plain("Cancel"),
                style="danger",
            ),
        ),
    ]
    return ActionsBlock(block_id=ACTIONS_BLOCK_ID, elements=buttons)


def alert_fallback(view: AlertView) -> str:
    name = mrkdwn.escape(parts.display_name(view))
    where = ", ".join(mrkdwn.escape(x) for x in (view.title, view.company) if x)
    subject = f"{name} ({where})" if where else name
    if view.expired is not None:
        return parts.fallback(f"{expiry.label('en')}: {subject} — score {parts.score_line(view)}")
    if view.decision is not None:
        _, label = parts.outcome(view.decision.outcome)
        return parts.fallback(f"{label}: {subject} — score {parts.score_line(view)}")
    kind = "Fast-track MQL" if view.fast_track else "New MQL"
    return parts.fallback(f"{kind}: {subject} — score {parts.score_line(view)}")


def alert_metadata(view: AlertView) -> dict[str, Any]:
    """Message metadata, so the sender can find an alert it already posted before re-posting."""
    return {"event_type": METADATA_EVENT, "event_payload": {"lead_id": view.lead_id}}


def _closing(view: AlertView) -> SectionBlock | ActionsBlock:
    """The buttons while it is open; else what closed it (no buttons left to press)."""
    if view.expired is not None:
        return expiry.expired_section(view.expired)
    if view.decision is not None:
        return parts.decision_section(view.decision)
    return _buttons(view)


def alert_message(view: AlertView) -> dict[str, Any]:
    """`{"text", "blocks", "metadata"}`: pass as keyword arguments to chat_postMessage/update."""
    status = mrkdwn.clip(view.status, 40)
    blocks = parts.render(
        [
            parts.header(parts.display_name(view)),
            parts.fact_fields(view),
            parts.flags(view),
            parts.reasons_section(
                "*Why this lead*",
                view.reason_list,
                MAX_REASONS,
                more="… and {n} more — `/lead` shows the full breakdown",
            ),
            parts.timeline_section("*Recent activity*", view.timeline_list, MAX_TIMELINE),
            _closing(view),
            parts.footer(f"Lead #{view.lead_id} · {status}"),
        ]
    )
    return {"text": alert_fallback(view), "blocks": blocks, "metadata": alert_metadata(view)}


def thread_note(decision: DecisionView) -> dict[str, Any]:
    """A reply in the alert's thread recording a decision (or a claim)."""
    _, label = parts.outcome(decision.outcome)
    reason = f": {mrkdwn.escape(decision.reason)}" if decision.reason else ""
    return {
        "text": parts.fallback(f"{label}{reason}"),
        "blocks": parts.render([SectionBlock(text=parts.md(parts.decision_text(decision)))]),
    }
