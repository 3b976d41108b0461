"""`/lead` answers: the full card of one lead, or a pick list when the search is ambiguous.

Both are ephemeral messages (`chat.postEphemeral` or the slash command's `respond`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import ButtonElement, ContextBlock, SectionBlock

from bot import mrkdwn
from bot.slack.blocks import human, parts
from bot.slack.blocks.alert import buttons
from bot.slack.blocks.views import AlertView, LeadMatch, Reason, StatusChange
from bot.words import say

PICK_ACTION_PREFIX = "lead_pick_"  # + lead id; the button value is the lead id as well
MAX_BREAKDOWN_SECTIONS = 4
MAX_HISTORY = 10
MAX_ACTIVITY = 15
MAX_MATCHES = 10


def _breakdown(view: AlertView, locale: str) -> list[SectionBlock]:
    """Every breakdown line, in as many sections as it takes (within a cap)."""
    reasons = sorted(view.reason_list, key=lambda r: -abs(r.points))
    title = say(
        locale,
        "card.breakdown",
        fit=parts.number(view.fit),
        engagement=parts.number(view.engagement),
        score=parts.number(view.score),
    )
    if not reasons:
        return [SectionBlock(text=parts.md(f"{title}\n{say(locale, 'card.no_rule')}"))]
    sections: list[SectionBlock] = []
    rest: list[Reason] = reasons
    while rest and len(sections) < MAX_BREAKDOWN_SECTIONS:
        last = len(sections) == MAX_BREAKDOWN_SECTIONS - 1
        lines, taken = [], 0
        budget = parts.SECTION_TEXT - len(title) - 1 - 80  # room for a "… and N more" line
        for reason in rest:
            line = parts.reason_line(reason)
            if taken and len(line) + 1 > budget:
                break
            lines.append(line)
            budget -= len(line) + 1
            taken += 1
        rest = rest[taken:]
        if last and rest:
            lines.append(say(locale, "card.smaller", n=len(rest)))
        sections.append(
            SectionBlock(
                text=parts.md(mrkdwn.truncate("\n".join([title, *lines]), parts.SECTION_TEXT))
            )
        )
        title = say(locale, "card.breakdown_more")
    return sections


def _history(changes: Sequence[StatusChange], locale: str) -> SectionBlock | None:
    if not changes:
        return None
    newest = sorted(changes, key=lambda c: parts.timestamp(c.at), reverse=True)
    more = say(locale, "alert.earlier")
    lines = [
        say(
            locale,
            "cause.line",
            when=mrkdwn.date(c.at, "{date_short} {time}"),
            old=human.status(locale, c.from_status),
            new=human.status(locale, c.to_status),
            why=human.cause(locale, c.cause, c.actor),
        )
        for c in newest[:MAX_HISTORY]
    ]
    if len(newest) > MAX_HISTORY:
        lines.append(more.format(n=len(newest) - MAX_HISTORY))
    title = say(locale, "card.history")
    return SectionBlock(
        text=parts.md(
            f"{title}\n" + mrkdwn.fit_lines(lines, parts.SECTION_TEXT - len(title) - 1, more=more)
        )
    )


def _sla(view: AlertView, locale: str) -> ContextBlock | None:
    if view.sla is None or view.mql_since is None or view.decision is not None:
        return None
    return parts.footer(say(locale, f"card.{view.sla}", since=human.on(locale, view.mql_since)))


def lead_card(
    view: AlertView, history: Sequence[StatusChange] = (), *, locale: str = "en"
) -> dict[str, Any]:
    """The ephemeral `/lead` card: facts, status and owner, full breakdown, history, activity;
    an open MQL's card carries the decision buttons and a link to its alert."""
    name = parts.display_name(view, locale)
    is_open = view.status == "mql" and view.decision is None
    footer = [say(locale, "alert.lead_no", id=view.lead_id), human.grade_legend(locale, view.grade)]
    if view.alert_link:
        footer.insert(0, mrkdwn.link(view.alert_link, say(locale, "alert.see_alert")))
    blocks = parts.render(
        [
            parts.header(name, locale),
            parts.fact_fields(view, with_status=True, locale=locale),
            parts.flags(view, locale),
            _sla(view, locale),
            *_breakdown(view, locale),
            parts.decision_section(view.decision, locale) if view.decision else None,
            _history(history, locale),
            parts.timeline_section(
                say(locale, "card.activity"), view.timeline_list, MAX_ACTIVITY, locale
            ),
            buttons(view, locale) if is_open else None,
            parts.footer(*footer),
        ]
    )
    text = say(
        locale,
        "card.text",
        name=mrkdwn.escape(name),
        score=parts.score_line(view),
        status=human.status(locale, view.status),
    )
    return {"text": parts.fallback(text, locale), "blocks": blocks}


def _match_section(match: LeadMatch, locale: str) -> SectionBlock:
    fallback = say(locale, "alert.lead_no", id=match.lead_id)
    name = mrkdwn.clip(match.name or match.email or fallback, 200)
    company = f" · {mrkdwn.clip(match.company, 200)}" if match.company else ""
    detail = say(
        locale,
        "card.pick.line",
        email=mrkdwn.clip(match.email or "—", 200),
        score=parts.number(match.score),
        grade=mrkdwn.clip(match.grade, 10),
        status=human.status(locale, match.status),
    )
    return SectionBlock(
        text=parts.md(f"*{name}*{company}\n{detail}"),
        accessory=ButtonElement(
            text=parts.plain(say(locale, "card.pick.show")),
            action_id=f"{PICK_ACTION_PREFIX}{match.lead_id}",
            value=str(match.lead_id),
        ),
    )


def pick_list(
    matches: Sequence[LeadMatch], query: str = "", *, total: int | None = None, locale: str = "en"
) -> dict[str, Any]:
    """Several leads match a `/lead` search: one row each with a Show button, in the order
    given (exact matches, open MQLs, score), and how many more there are."""
    asked = mrkdwn.clip(query, 200)
    if not matches:
        text = say(locale, "card.pick.none", query=asked)
        return {
            "text": parts.fallback(text, locale),
            "blocks": parts.render([SectionBlock(text=parts.md(text))]),
        }
    shown = list(matches)[:MAX_MATCHES]
    count = max(total or 0, len(matches))
    intro = say(locale, "card.pick.intro", total=count, query=asked)
    more = count - len(shown)
    blocks = parts.render(
        [
            SectionBlock(text=parts.md(intro)),
            *(_match_section(m, locale) for m in shown),
            parts.footer(say(locale, "card.pick.hidden", n=more)) if more else None,
        ]
    )
    return {"text": parts.fallback(intro, locale), "blocks": blocks}
