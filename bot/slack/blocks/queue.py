"""Open MQLs as a list: `/lead queue` and the SDR's App Home (SPEC §4).

The age shown is the time since the lead became an MQL: what the SLA is measured against.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View

from bot import mrkdwn
from bot.slack.blocks import parts
from bot.usecases.queries.queue import QueueItem

MAX_ITEMS = 20
HOME_SECTION = 15
OUTCOME_WORDS = (("promote", "promoted"), ("recycle", "recycled"), ("disqualify", "disqualified"))


def age(since: datetime, now: datetime) -> str:
    hours = int((now - since).total_seconds() // 3600)
    if hours < 1:
        return "<1h"
    return f"{hours}h" if hours < 48 else f"{hours // 24}d {hours % 24}h"


def _line(item: QueueItem, now: datetime, *, show_owner: bool) -> str:
    company = f" ({mrkdwn.clip(item.company, 80)})" if item.company else ""
    owner = f" · {mrkdwn.mention(item.owner)}" if show_owner and item.owner else ""
    return (
        f"• *{mrkdwn.clip(item.name or f'Lead #{item.lead_id}', 80)}*{company} — "
        f"{parts.number(item.score)} {mrkdwn.clip(item.grade, 4)} · open "
        f"{age(item.since, now)}{owner} · #{item.lead_id}"
    )


def _section(
    title: str,
    items: Sequence[QueueItem],
    now: datetime,
    *,
    empty: str,
    show_owner: bool = True,
    limit: int = MAX_ITEMS,
) -> SectionBlock:
    lines = [_line(i, now, show_owner=show_owner) for i in items[:limit]]
    body = mrkdwn.fit_lines(lines, parts.SECTION_TEXT - len(title) - 1) if lines else empty
    return SectionBlock(text=parts.md(f"{title}\n{body}"))


def queue_message(items: Sequence[QueueItem], total: int, now: datetime) -> dict[str, Any]:
    """The open MQLs, highest score first, for `/lead queue`."""
    title = f"*Open MQLs* ({total})" if total else "*Open MQLs*"
    more = total - min(len(items), MAX_ITEMS)
    blocks = parts.render(
        [
            _section(title, items, now, empty="No open MQLs. Nothing waits for you."),
            parts.footer(f"{more} more with lower scores") if more > 0 else None,
        ]
    )
    return {"text": parts.fallback(f"{total} open MQLs"), "blocks": blocks}


def home_view(
    mine: Sequence[QueueItem],
    unclaimed: Sequence[QueueItem],
    week: Mapping[str, int],
    now: datetime,
) -> dict[str, Any]:
    """The App Home tab: the SDR's claimed MQLs, the unclaimed ones, and their week."""
    numbers = " · ".join(f"{week.get(k, 0)} {word}" for k, word in OUTCOME_WORDS)
    view = View(
        type="home",
        blocks=[
            parts.header("Your MQL queue"),
            _section(
                "*Claimed by you*",
                mine,
                now,
                show_owner=False,
                limit=HOME_SECTION,
                empty="Nothing claimed. Claim an alert to make it yours.",
            ),
            _section(
                "*Unclaimed*",
                unclaimed,
                now,
                show_owner=False,
                limit=HOME_SECTION,
                empty="No unclaimed MQLs.",
            ),
            SectionBlock(text=parts.md(f"*Your last 7 days*\n{numbers}")),
            parts.footer("`/lead <e-mail>` shows a lead · `/lead queue` lists every open MQL"),
        ],
    )
    result: dict[str, Any] = view.to_dict()
    return result
