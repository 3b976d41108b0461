"""`/lead` answers: the full card of one lead, or a pick list when the search is ambiguous.

Both are ephemeral messages (`chat.postEphemeral` or the slash command's `respond`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import ButtonElement, SectionBlock

from bot import mrkdwn
from bot.slack.blocks import parts
from bot.slack.blocks.views import AlertView, LeadMatch, Reason, StatusChange

PICK_ACTION_PREFIX = "lead_pick_"  # + lead id; the button value is the lead id as well
MAX_BREAKDOWN_SECTIONS = 4
MAX_HISTORY = 10
MAX_ACTIVITY = 15
MAX_MATCHES = 10


def _breakdown(view: AlertView) -> list[SectionBlock]:
    """Every breakdown line, in as many sections as it takes (within a cap)."""
    reasons = sorted(view.reason_list, key=lambda r: -abs(r.points))
    title = (
        f"*Score breakdown* — fit {parts.number(view.fit)} + engagement "
        f"{parts.number(view.engagement)} = {parts.number(view.score)}"
    )
    if not reasons:
        return [SectionBlock(text=parts.md(f"{title}\nNo scoring rule matched."))]
    sections: list[SectionBlock] = []
    rest: list[Reason] = reasons
    while rest and len(sections) < MAX_BREAKDOWN_SECTIONS:
        last = len(sections) == MAX_BREAKDOWN_SECTIONS - 1
        lines, taken = [], 0
        budget = parts.SECTION_TEXT - len(title) - 1 - 40  # room for a "… and N more" line
        for reason in rest:
            line = parts.reason_line(reason)
            if taken and len(line) + 1 > budget:
                break
            lines.append(line)
            budget -= len(line) + 1
            taken += 1
        rest = rest[taken:]
        if last and rest:
            lines.append(f"… and {len(rest)} smaller lines")
        sections.append(
            SectionBlock(
                text=parts.md(mrkdwn.truncate("\n".join([title, *lines]), parts.SECTION_TEXT))
            )
        )
        title = "*Score breakdown* (continued)"
    return sections


def _history(changes: Sequence[StatusChange]) -> SectionBlock | None:
    if not changes:
        return None
    newest = sorted(changes, key=lambda c: parts.timestamp(c.at), reverse=True)
    lines = [
        f"• {mrkdwn.date(c.at, '{date_short} {time}')} {mrkdwn.clip(c.from_status, 30)} → "
        f"{mrkdwn.clip(c.to_status, 30)}" + (f" ({mrkdwn.clip(c.cause, 80)})" if c.cause else "")
        for c in newest[:MAX_HISTORY]
    ]
    if len(newest) > MAX_HISTORY:
        lines.append(f"… and {len(newest) - MAX_HISTORY} earlier")
    return SectionBlock(
        text=parts.md(
            "*Status history*\n"
            + mrkdwn.fit_lines(lines, parts.SECTION_TEXT - 20, more="… and {n} earlier")
        )
    )


def lead_card(view: AlertView, history: Sequence[StatusChange] = ()) -> dict[str, Any]:
    """The ephemeral `/lead` card: facts, status and owner, full breakdown, history, activity."""
    name = parts.display_name(view)
    blocks = parts.render(
        [
            parts.header(name),
            parts.fact_fields(view, with_status=True),
            parts.flags(view),
            *_breakdown(view),
            parts.decision_section(view.decision) if view.decision else None,
            _history(history),
            parts.timeline_section("*Activity*", view.timeline_list, MAX_ACTIVITY),
            parts.footer(f"Lead #{view.lead_id}"),
        ]
    )
    text = parts.fallback(
        f"{mrkdwn.escape(name)}: score {parts.score_line(view)}, {mrkdwn.escape(view.status)}"
    )
    return {"text": text, "blocks": blocks}


def _match_section(match: LeadMatch) -> SectionBlock:
    name = mrkdwn.clip(match.name or match.email or f"Lead #{match.lead_id}", 200)
    company = f" · {mrkdwn.clip(match.company, 200)}" if match.company else ""
    detail = (
        f"{mrkdwn.clip(match.email, 200)} · score {parts.number(match.score)} · "
        f"{mrkdwn.clip(match.grade, 10)} · {mrkdwn.clip(match.status, 30)}"
    )
    return SectionBlock(
        text=parts.md(f"*{name}*{company}\n{detail}"),
        accessory=ButtonElement(
            text=parts.plain("Show"),
            action_id=f"{PICK_ACTION_PREFIX}{match.lead_id}",
            value=str(match.lead_id),
        ),
    )


def pick_list(matches: Sequence[LeadMatch], query: str = "") -> dict[str, Any]:
    """Several leads match a `/lead` search: one row each with a Show button."""
    asked = f" *{mrkdwn.clip(query, 200)}*" if query else ""
    if not matches:
        text = f"No lead matches{asked}."
        return {
            "text": parts.fallback(text),
            "blocks": parts.render([SectionBlock(text=parts.md(text))]),
        }
    shown = list(matches)[:MAX_MATCHES]
    intro = f"{len(matches)} leads match{asked}. Pick one:"
    more = len(matches) - len(shown)
    blocks = parts.render(
        [
            SectionBlock(text=parts.md(intro)),
            *(_match_section(m) for m in shown),
            parts.footer(f"{more} more not shown — search for an email to narrow it down")
            if more
            else None,
        ]
    )
    return {"text": parts.fallback(intro), "blocks": blocks}
