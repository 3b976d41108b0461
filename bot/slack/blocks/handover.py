"""The SQL handover to the account executives, with the context seed 004's checklist asks for:
the interaction history, the pain points and the budget (here: all of BANT), plus the score
and its reasons, so the AE can call without first asking the SDR.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import SectionBlock

from bot import mrkdwn
from bot.slack.blocks import parts
from bot.slack.blocks.modals import BANT, bant_label
from bot.slack.blocks.views import AlertView, BantAnswers

MAX_REASONS = 10
MAX_TIMELINE = 15


def _bant_fields(bant: BantAnswers) -> SectionBlock:
    answers = {
        "budget": bant.budget,
        "authority": bant.authority,
        "need": bant.need,
        "timing": bant.timing,
    }
    return SectionBlock(
        fields=[
            parts.field(BANT[q][0], mrkdwn.clip(bant_label(q, v), 200)) for q, v in answers.items()
        ]
    )


def handover_message(
    view: AlertView, bant: BantAnswers, *, promoted_by: str, alert_link: str | None = None
) -> dict[str, Any]:
    """For the AE channel (or a DM to `bant.ae_slack_id`): who, why, what the SDR learned."""
    name = parts.display_name(view)
    to = mrkdwn.mention(bant.ae_slack_id) if bant.ae_slack_id else "the account executives"
    intro = f"{mrkdwn.mention(promoted_by)} qualified this lead and hands it over to {to}."
    notes = mrkdwn.clip(bant.notes, parts.SECTION_TEXT - 40) if bant.notes else "_None recorded._"
    footer = [f"Lead #{view.lead_id}"]
    if alert_link:
        footer.insert(0, mrkdwn.link(alert_link, "Original alert"))
    blocks = parts.render(
        [
            parts.header(f"SQL handover: {name}"),
            SectionBlock(text=parts.md(intro)),
            parts.fact_fields(view),
            _bant_fields(bant),
            SectionBlock(text=parts.md(f"*Pain points and notes*\n{notes}")),
            parts.reasons_section("*Why they scored*", view.reason_list, MAX_REASONS),
            parts.timeline_section("*Interaction history*", view.timeline_list, MAX_TIMELINE),
            parts.footer(" · ".join(footer)),
        ]
    )
    company = f" ({mrkdwn.escape(view.company)})" if view.company else ""
    text = parts.fallback(
        f"SQL handover: {mrkdwn.escape(name)}{company} — score {parts.score_line(view)}"
    )
    return {"text": text, "blocks": blocks}
