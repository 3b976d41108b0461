"""Pieces several Slack surfaces share: header, lead facts, reasons, timeline, decision.

All lead and user text goes through `mrkdwn.clip` / `clip_plain` here, so the surface modules
only arrange blocks. mrkdwn objects carrying such text are `verbatim`, which stops Slack from
turning bare names and URLs into links or mentions on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot import mrkdwn
from bot.slack.blocks import human
from bot.slack.blocks.views import AlertView, DecisionView, Reason, TimelineEntry
from bot.words import say

SECTION_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
FALLBACK_TEXT = 300  # notifications show a line or two; Slack allows far more


def md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def plain(text: str) -> PlainTextObject:
    return PlainTextObject(text=text, emoji=True)


def number(x: float) -> str:
    return str(round(x)) if float(round(x, 1)).is_integer() else f"{x:.1f}"


def points(x: float) -> str:
    """`+30`, `-5`, `+22.4`: the sign always shown, one decimal only when there is one."""
    x = round(float(x), 1)
    if x == 0:
        return "0"
    return f"{x:+.0f}" if x.is_integer() else f"{x:+.1f}"


def score_line(view: AlertView) -> str:
    return f"{number(view.score)} · {view.grade}"


def outcome(kind: str, locale: str = "en") -> tuple[str, str]:
    return human.outcome(locale, kind)


def header(text: str, locale: str = "en") -> HeaderBlock:
    shown = text or say(locale, "alert.unnamed")
    return HeaderBlock(text=plain(mrkdwn.clip_plain(shown, HEADER_TEXT)))


def display_name(view: AlertView, locale: str = "en") -> str:
    return view.name.strip() or view.email.strip() or say(locale, "alert.lead_no", id=view.lead_id)


def field(label: str, value: str) -> MarkdownTextObject:
    """A section field: our bold label over an already escaped value."""
    return md(mrkdwn.truncate(f"*{label}*\n{value}", FIELD_TEXT))


def fact_fields(view: AlertView, *, with_status: bool = False, locale: str = "en") -> SectionBlock:
    def label(key: str) -> str:
        return say(locale, f"alert.field.{key}")

    owner = (
        mrkdwn.mention(view.owner_slack_id)
        if view.owner_slack_id
        else say(locale, "alert.field.unassigned")
    )
    fields = [
        field(label("title"), mrkdwn.clip(view.title or "—", 300)),
        field(label("company"), mrkdwn.clip(view.company or "—", 300)),
        field(label("score"), score_line(view)),
        field(label("fit_engagement"), f"{number(view.fit)} / {number(view.engagement)}"),
        field(label("email"), mrkdwn.clip(view.email or "—", 300)),
        field(label("owner"), owner),
    ]
    if with_status:
        fields.append(field(label("status"), human.status(locale, view.status)))
    return SectionBlock(fields=fields)


def flags(view: AlertView, locale: str = "en", now: datetime | None = None) -> ContextBlock | None:
    notes = []
    if view.fast_track:
        when = (
            human.ago(locale, view.hand_raise_at, now)
            if view.hand_raise_at and now
            else human.on(locale, view.hand_raise_at)
            if view.hand_raise_at
            else ""
        )
        raised = mrkdwn.escape(human.raised(locale, view.fast_track))
        notes.append(md(say(locale, "alert.hand_raise", raised=raised, when=when)))
    if view.re_mql:
        notes.append(md(say(locale, "alert.re_mql")))
    return ContextBlock(elements=notes) if notes else None


def reason_line(reason: Reason) -> str:
    line = f"• *{points(reason.points)}* {mrkdwn.clip(reason.label, 200)}"
    if reason.evidence:
        line += f" — {mrkdwn.clip(reason.evidence, 300)}"
    return line


def top_reasons(reasons: Iterable[Reason], limit: int | None) -> tuple[list[Reason], int]:
    ranked = sorted(reasons, key=lambda r: -abs(r.points))
    shown = ranked if limit is None else ranked[:limit]
    return shown, len(ranked) - len(shown)


def reasons_section(
    title: str,
    reasons: Sequence[Reason],
    limit: int | None,
    more: str | None = None,
    locale: str = "en",
) -> SectionBlock | None:
    more = more or say(locale, "alert.more")
    shown, hidden = top_reasons(reasons, limit)
    if not shown:
        return None
    lines = [reason_line(r) for r in shown]
    if hidden:
        lines.append(more.format(n=hidden))
    body = mrkdwn.fit_lines(lines, SECTION_TEXT - len(title) - 1, more=more)
    return SectionBlock(text=md(f"{title}\n{body}"))


def timeline_line(entry: TimelineEntry, locale: str = "en") -> str:
    when = mrkdwn.date(entry.at, "{date_short} {time}")
    return f"• {when} {human.event_label(locale, entry.event_type, entry.detail)}"


def timeline_section(
    title: str, timeline: Sequence[TimelineEntry], limit: int, locale: str = "en"
) -> SectionBlock | None:
    newest = sorted(timeline, key=lambda e: timestamp(e.at), reverse=True)
    if not newest:
        return None
    more = say(locale, "alert.earlier")
    lines = [timeline_line(e, locale) for e in newest[:limit]]
    if len(newest) > limit:
        lines.append(more.format(n=len(newest) - limit))
    body = mrkdwn.fit_lines(lines, SECTION_TEXT - len(title) - 1, more=more)
    return SectionBlock(text=md(f"{title}\n{body}"))


def timestamp(moment: datetime) -> float:
    # naive times are UTC throughout the project
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def decision_text(decision: DecisionView, *, subject: str = "", locale: str = "en") -> str:
    icon, label = outcome(decision.outcome, locale)
    when = mrkdwn.date(decision.decided_at)
    who = human.actor(locale, decision.decided_by) if decision.decided_by else ""
    first = (
        say(locale, "outcome.by", icon=icon, label=label, subject=subject, who=who, when=when)
        if who
        else say(locale, "outcome.by_nobody", icon=icon, label=label, subject=subject, when=when)
    )
    lines = [first]
    if decision.reason:
        lines.append(say(locale, "outcome.reason", reason=mrkdwn.clip(decision.reason, 300)))
    if decision.notes:
        lines.append(say(locale, "outcome.notes", notes=mrkdwn.clip(decision.notes, 2000)))
    return mrkdwn.truncate("\n".join(lines), SECTION_TEXT)


def decision_section(decision: DecisionView, locale: str = "en") -> SectionBlock:
    return SectionBlock(text=md(decision_text(decision, locale=locale)))


def footer(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[md(t) for t in texts if t])


def render(blocks: Iterable[Block | None]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks if b is not None]


def fallback(text: str, locale: str = "en") -> str:
    """A message's `text`: shown in notifications, so escaped and short."""
    return mrkdwn.truncate(text, FALLBACK_TEXT) or say(locale, "alert.text.fallback")
