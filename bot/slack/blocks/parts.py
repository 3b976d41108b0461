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
from bot.slack.blocks.views import AlertView, DecisionView, Reason, TimelineEntry

SECTION_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
FALLBACK_TEXT = 300  # notifications show a line or two; Slack allows far more

OUTCOMES = {
    "promote": ("✅", "Promoted to SQL"),
    "recycle": ("↻", "Recycled"),
    "disqualify": ("⛔", "Disqualified"),
    "claim": ("🙋", "Claimed"),
}


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


def outcome(kind: str) -> tuple[str, str]:
    return OUTCOMES.get(kind, ("•", mrkdwn.clip(kind, 40)))


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=plain(mrkdwn.clip_plain(text or "Unnamed lead", HEADER_TEXT)))


def display_name(view: AlertView) -> str:
    return view.name.strip() or view.email.strip() or f"Lead #{view.lead_id}"


def field(label: str, value: str) -> MarkdownTextObject:
    """A section field: our bold label over an already escaped value."""
    return md(mrkdwn.truncate(f"*{label}*\n{value}", FIELD_TEXT))


def fact_fields(view: AlertView, *, with_status: bool = False) -> SectionBlock:
    fields = [
        field("Title", mrkdwn.clip(view.title or "—", 300)),
        field("Company", mrkdwn.clip(view.company or "—", 300)),
        field("Score", score_line(view)),
        field("Fit / engagement", f"{number(view.fit)} / {number(view.engagement)}"),
        field("Email", mrkdwn.clip(view.email or "—", 300)),
        field(
            "Owner", mrkdwn.mention(view.owner_slack_id) if view.owner_slack_id else "Unassigned"
        ),
    ]
    if with_status:
        fields.append(field("Status", mrkdwn.clip(view.status, 100)))
    return SectionBlock(fields=fields)


def flags(view: AlertView) -> ContextBlock | None:
    notes = []
    if view.fast_track:
        notes.append(md(f"⚡ *Fast track*: {mrkdwn.clip(view.fast_track, 200)}"))
    if view.re_mql:
        notes.append(md("↻ *Re-MQL*: back with new engagement after a recycle"))
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
    title: str, reasons: Sequence[Reason], limit: int | None, more: str = "… and {n} more"
) -> SectionBlock | None:
    shown, hidden = top_reasons(reasons, limit)
    if not shown:
        return None
    lines = [reason_line(r) for r in shown]
    if hidden:
        lines.append(more.format(n=hidden))
    body = mrkdwn.fit_lines(lines, SECTION_TEXT - len(title) - 1, more=more)
    return SectionBlock(text=md(f"{title}\n{body}"))


def timeline_line(entry: TimelineEntry) -> str:
    line = f"• {mrkdwn.date(entry.at, '{date_short} {time}')} {mrkdwn.clip(entry.event_type, 100)}"
    if entry.detail:
        line += f" — {mrkdwn.clip(entry.detail, 200)}"
    return line


def timeline_section(
    title: str, timeline: Sequence[TimelineEntry], limit: int
) -> SectionBlock | None:
    newest = sorted(timeline, key=lambda e: timestamp(e.at), reverse=True)
    if not newest:
        return None
    lines = [timeline_line(e) for e in newest[:limit]]
    if len(newest) > limit:
        lines.append(f"… and {len(newest) - limit} earlier")
    body = mrkdwn.fit_lines(lines, SECTION_TEXT - len(title) - 1, more="… and {n} earlier")
    return SectionBlock(text=md(f"{title}\n{body}"))


def timestamp(moment: datetime) -> float:
    # naive times are UTC throughout the project
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def decision_text(decision: DecisionView, *, subject: str = "") -> str:
    icon, label = outcome(decision.outcome)
    who = mrkdwn.mention(decision.decided_by)
    lines = [f"{icon} *{label}*{subject} by {who} · {mrkdwn.date(decision.decided_at)}"]
    if decision.reason:
        lines.append(f"*Reason:* {mrkdwn.clip(decision.reason, 300)}")
    if decision.notes:
        lines.append(f"*Notes:* {mrkdwn.clip(decision.notes, 2000)}")
    return mrkdwn.truncate("\n".join(lines), SECTION_TEXT)


def decision_section(decision: DecisionView) -> SectionBlock:
    return SectionBlock(text=md(decision_text(decision)))


def footer(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[md(t) for t in texts if t])


def render(blocks: Iterable[Block | None]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks if b is not None]


def fallback(text: str) -> str:
    """A message's `text`: shown in notifications, so escaped and short."""
    return mrkdwn.truncate(text, FALLBACK_TEXT) or "Lead update"
