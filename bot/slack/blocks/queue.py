"""Open MQLs as a list: `/lead queue` and the SDR's App Home (SPEC §4).

App Home gives each MQL it lists the alert's buttons (same action ids, same modals, same
checks). The order is the use case's (hand-raisers, then past their SLA, then score); each
line marks a hand-raiser (⚡) and an MQL past its SLA (⏰ overdue, 🚨 escalated). The age shown
is the time since the lead became an MQL: what the SLA is measured against. A list cut short
says how many it left out and where to see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, SectionBlock
from slack_sdk.models.views import View

from bot import mrkdwn
from bot.slack.blocks import human, parts
from bot.slack.blocks.alert import decision_buttons
from bot.usecases.queries.queue import Home, QueueItem
from bot.words import say

MAX_ITEMS = 20
HOME_SECTION = 15  # per Home section: 2 blocks each, well within a view's 100
HOME_ACTIONS = "home_lead_"  # + lead id: the block of a listed MQL's buttons


def _marks(item: QueueItem, locale: str) -> str:
    marks = say(locale, "queue.raised") if item.fast_track else ""
    if item.sla:
        marks += say(locale, f"queue.{item.sla}")
    return f"{marks} " if marks else ""


def _line(item: QueueItem, now: datetime, locale: str, *, show_owner: bool) -> str:
    company = f" ({mrkdwn.clip(item.company, 80)})" if item.company else ""
    owner = f" · {mrkdwn.mention(item.owner)}" if show_owner and item.owner else ""
    name = item.name or say(locale, "alert.lead_no", id=item.lead_id)
    return say(
        locale,
        "queue.line",
        marks=_marks(item, locale),
        name=mrkdwn.clip(name, 80),
        company=company,
        score=parts.number(item.score),
        grade=mrkdwn.clip(item.grade, 4),
        age=human.duration(locale, (now - item.since).total_seconds()),
        owner=owner,
        id=item.lead_id,
    )


def _section(
    title: str,
    items: Sequence[QueueItem],
    now: datetime,
    locale: str,
    *,
    empty: str,
    show_owner: bool = True,
    limit: int = MAX_ITEMS,
) -> SectionBlock:
    lines = [_line(i, now, locale, show_owner=show_owner) for i in items[:limit]]
    more = say(locale, "alert.more")
    body = mrkdwn.fit_lines(lines, parts.SECTION_TEXT - len(title) - 1, more=more)
    return SectionBlock(text=parts.md(f"{title}\n{body if lines else empty}"))


def _hidden(total: int, shown: int, key: str, locale: str) -> ContextBlock | None:
    hidden = total - shown
    return parts.footer(say(locale, key, n=hidden)) if hidden > 0 else None


def queue_message(
    items: Sequence[QueueItem], total: int, now: datetime, *, locale: str = "en"
) -> dict[str, Any]:
    """The open MQLs in priority order, for `/lead queue`."""
    title = say(locale, "queue.title", total=total) if total else say(locale, "queue.title_empty")
    shown = min(len(items), MAX_ITEMS)
    blocks = parts.render(
        [
            _section(title, items, now, locale, empty=say(locale, "queue.empty")),
            _hidden(total, shown, "queue.hidden", locale),
            parts.footer(say(locale, "queue.order"), say(locale, "grades.short"))
            if total
            else None,
        ]
    )
    return {
        "text": parts.fallback(say(locale, "queue.text", total=total), locale),
        "blocks": blocks,
    }


def _week(shown: Home, locale: str) -> SectionBlock:
    numbers = say(
        locale,
        "home.numbers",
        open=shown.mine_total,
        promoted=shown.week.get("promote", 0),
        recycled=shown.week.get("recycle", 0),
        disqualified=shown.week.get("disqualify", 0),
    )
    wait = (
        say(locale, "home.median", median=human.duration(locale, shown.median_wait))
        if shown.median_wait is not None
        else say(locale, "home.no_median")
    )
    return SectionBlock(text=parts.md(f"{say(locale, 'home.week')}\n{numbers}\n{wait}"))


def _listed(
    title: str, items: Sequence[QueueItem], now: datetime, locale: str, *, empty: str
) -> list[Block]:
    """A Home section: its title, then each MQL's line over its own decision buttons."""
    if not items:
        return [SectionBlock(text=parts.md(f"{title}\n{empty}"))]
    blocks: list[Block] = [SectionBlock(text=parts.md(title))]
    for item in items:
        line = mrkdwn.truncate(_line(item, now, locale, show_owner=False), parts.SECTION_TEXT)
        blocks.append(SectionBlock(text=parts.md(line)))
        blocks.append(
            decision_buttons(
                item.lead_id,
                owned=bool(item.owner),
                locale=locale,
                block_id=f"{HOME_ACTIONS}{item.lead_id}",
                per_lead=True,
            )
        )
    return blocks


def home_view(
    shown: Home, now: datetime, *, locale: str = "en", notice: str | None = None
) -> dict[str, Any]:
    """The App Home tab: the SDR's claimed MQLs and the unclaimed ones, each with the alert's
    buttons, and their week; `notice` (mrkdwn) on top: what became of a click made here."""
    mine, unclaimed = shown.mine[:HOME_SECTION], shown.unclaimed[:HOME_SECTION]
    blocks: list[Block | None] = [
        parts.header(say(locale, "home.header"), locale),
        SectionBlock(text=parts.md(mrkdwn.truncate(notice, parts.SECTION_TEXT)))
        if notice
        else None,
        *_listed(
            say(locale, "home.mine", total=shown.mine_total),
            mine,
            now,
            locale,
            empty=say(locale, "home.mine_empty"),
        ),
        _hidden(shown.mine_total, len(mine), "home.hidden", locale),
        DividerBlock(),
        *_listed(
            say(locale, "home.unclaimed", total=shown.unclaimed_total),
            unclaimed,
            now,
            locale,
            empty=say(locale, "home.unclaimed_empty"),
        ),
        _hidden(shown.unclaimed_total, len(unclaimed), "home.hidden", locale),
        DividerBlock(),
        _week(shown, locale),
        parts.footer(
            say(locale, "home.footer"), say(locale, "queue.order"), say(locale, "grades.short")
        ),
    ]
    view = View(type="home", blocks=[b for b in blocks if b is not None])
    result: dict[str, Any] = view.to_dict()
    return result
