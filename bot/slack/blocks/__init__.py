"""Pure Block Kit builders: view models in, `{"text", "blocks"}` payloads and view dicts out."""

from __future__ import annotations

from bot.slack.blocks.alert import alert_message, thread_note
from bot.slack.blocks.handover import handover_message
from bot.slack.blocks.lead_card import lead_card, pick_list
from bot.slack.blocks.limits import check_message, check_view, message_problems, view_problems
from bot.slack.blocks.modals import promote_modal, read_promote, read_reason, reason_modal
from bot.slack.blocks.views import (
    AlertView,
    DecisionView,
    LeadMatch,
    Reason,
    StatusChange,
    TimelineEntry,
    reasons_from_breakdown,
)

__all__ = [
    "AlertView",
    "DecisionView",
    "LeadMatch",
    "Reason",
    "StatusChange",
    "TimelineEntry",
    "alert_message",
    "check_message",
    "check_view",
    "handover_message",
    "lead_card",
    "message_problems",
    "pick_list",
    "promote_modal",
    "read_promote",
    "read_reason",
    "reason_modal",
    "reasons_from_breakdown",
    "thread_note",
    "view_problems",
]
