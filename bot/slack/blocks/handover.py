"""The SQL handover to the account executives, with what seed 004 asks an AE to get: the lead's
CRM data (fields, the custom attributes the team named, the CRM record as a link), the
interaction history condensed, the pain points and BANT, earlier decisions with their notes,
and buttons to accept it or send it back. Owner, qualifier and AE are named the same way
everywhere: the qualifier owns a promoted lead.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, SectionBlock

from bot import mrkdwn
from bot.slack.blocks import human, parts
from bot.slack.blocks.handover_view import HandoverView
from bot.slack.blocks.modals import bant_label
from bot.words import say
from scoring.qualification import QUESTIONS

ACTION_ACCEPT = "handover_accept"
ACTION_SEND_BACK = "handover_send_back"
REPLY_BLOCK_ID = "handover_reply"
MAX_REASONS = 8
MAX_GROUPS = 12
MAX_EARLIER = 5


def ago(locale: str, at: datetime, now: datetime) -> str:
    days = (_day(now) - _day(at)).days
    if days <= 0:
        return say(locale, "handover.ago.today")
    if days == 1:
        return say(locale, "handover.ago.yesterday")
    return say(locale, "handover.ago.days", n=days)


def _day(moment: datetime) -> date:
    return datetime.fromtimestamp(parts.timestamp(moment), tz=UTC).date()


def history_lines(locale: str, view: HandoverView) -> list[str]:
    """One line per kind of event, the most recent kind first: repeats are counted. Events are
    named by the one catalogue of event words (`human.event_label`), as in the alert and the
    card; a lone event shows its detail the same way ("Page view /pricing")."""
    groups: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for at, kind, detail in view.events:
        groups[kind].append((at, detail))
    ranked = sorted(groups.items(), key=lambda g: -max(parts.timestamp(a) for a, _ in g[1]))
    lines = []
    for kind, seen in ranked:
        last_at, detail = max(seen, key=lambda e: parts.timestamp(e[0]))
        when = ago(locale, last_at, view.now)
        if len(seen) > 1:
            label = human.event_label(locale, kind)
            line = say(locale, "handover.group.many", count=len(seen), label=label, ago=when)
        else:
            label = human.event_label(locale, kind, detail)
            line = say(locale, "handover.group.one", label=label, ago=when)
        lines.append(f"• {line}")
    return lines


def _section(title: str, lines: list[str], more: str) -> SectionBlock | None:
    if not lines:
        return None
    body = mrkdwn.fit_lines(lines, parts.SECTION_TEXT - len(title) - 4, more=more)
    return SectionBlock(text=parts.md(f"*{title}*\n{body}"))


def _history(locale: str, view: HandoverView, more: str) -> SectionBlock | None:
    lines = history_lines(locale, view)
    if len(lines) > MAX_GROUPS:
        lines = [*lines[:MAX_GROUPS], more.format(n=len(lines) - MAX_GROUPS)]
    return _section(say(locale, "handover.history"), lines, more)


def _facts(locale: str, view: HandoverView) -> list[SectionBlock]:
    lead, none = view.lead, say(locale, "handover.none")

    def value(text: object) -> str:
        return mrkdwn.clip(text, 300) if text not in (None, "") else none

    size = say(locale, "handover.employees", count=view.company_size) if view.company_size else none
    crm = none
    if view.crm_id:
        crm = mrkdwn.link(view.crm_url, view.crm_id) if view.crm_url else value(view.crm_id)
    first = [
        ("title", value(lead.title)),
        ("company", value(lead.company)),
        ("company_size", size),
        ("country", value(view.country)),
        ("source", value(view.source)),
        ("email", value(lead.email)),
        ("crm", crm),
        ("score", parts.score_line(lead)),
        ("owner", mrkdwn.mention(lead.owner_slack_id) if lead.owner_slack_id else none),
        ("qualifier", mrkdwn.mention(view.qualifier)),
    ]
    blocks = [SectionBlock(fields=[parts.field(say(locale, f"handover.{k}"), v) for k, v in first])]
    custom = [parts.field(mrkdwn.clip(n, 100), value(v)) for n, v in view.attributes][:10]
    if custom:
        blocks.append(SectionBlock(fields=custom))
    bant = [
        parts.field(
            say(locale, f"bant.{q}.label"), bant_label(locale, q, view.bant.get(q, "unknown"))
        )
        for q in QUESTIONS
    ]
    blocks.append(SectionBlock(fields=bant))
    return blocks


def _earlier(locale: str, view: HandoverView) -> SectionBlock | None:
    lines = []
    for d in view.earlier[:MAX_EARLIER]:
        line = "• " + say(
            locale,
            "handover.earlier_line",
            outcome=say(locale, f"handover.outcome.{d.outcome}"),
            by=mrkdwn.mention(d.by),
            date=mrkdwn.date(d.at, "{date_short}"),
        )
        if d.reason:
            line += f": {mrkdwn.clip(d.reason, 200)}"
        if d.notes:
            line += f"\n   _{mrkdwn.clip(d.notes, 500)}_"
        lines.append(line)
    return _section(
        say(locale, "handover.earlier"), lines, say(locale, "handover.more_earlier", n="{n}")
    )


def _reply(locale: str, view: HandoverView) -> ActionsBlock | ContextBlock:
    reply = view.reply
    if reply is None:
        value = str(view.decision_id)
        return ActionsBlock(
            block_id=REPLY_BLOCK_ID,
            elements=[
                ButtonElement(
                    text=parts.plain(say(locale, "handover.reply.accept")),
                    action_id=ACTION_ACCEPT,
                    value=value,
                    style="primary",
                ),
                ButtonElement(
                    text=parts.plain(say(locale, "handover.reply.send_back")),
                    action_id=ACTION_SEND_BACK,
                    value=value,
                ),
            ],
        )
    text = say(
        locale,
        f"handover.reply.{reply.outcome}",
        ae=mrkdwn.mention(reply.by),
        date=mrkdwn.date(reply.at),
        reason=mrkdwn.clip(reply.reason or "", 1000),
    )
    return parts.footer(text)


def _texts(locale: str, view: HandoverView) -> list[SectionBlock | None]:
    out: list[SectionBlock | None] = []
    for key, text in (("pain_points", view.pain_points), ("notes", view.notes)):
        if text:
            title = say(locale, f"handover.{key}")
            body = mrkdwn.clip(text, parts.SECTION_TEXT - len(title) - 10)
            out.append(SectionBlock(text=parts.md(f"*{title}*\n{body}")))
    return out


def handover_message(view: HandoverView, locale: str = "en") -> dict[str, Any]:
    """For the AE channel (or a DM to the AE named in the modal)."""
    lead = view.lead
    name = parts.display_name(lead)
    qualifier = mrkdwn.mention(view.qualifier)
    intro = (
        say(locale, "handover.intro_ae", qualifier=qualifier, ae=mrkdwn.mention(view.ae))
        if view.ae
        else say(locale, "handover.intro_channel", qualifier=qualifier)
    )
    reasons = [
        f"• *{parts.points(r.points)}* {mrkdwn.clip(r.label, 200)}"
        for r in parts.top_reasons(lead.reason_list, MAX_REASONS)[0]
    ]
    footer = [say(locale, "handover.lead", lead_id=lead.lead_id)]
    if view.alert_link:
        footer.insert(0, mrkdwn.link(view.alert_link, say(locale, "handover.alert_link")))
    more = say(locale, "handover.more_earlier", n="{n}")
    blocks = parts.render(
        [
            parts.header(say(locale, "handover.header", name=name)),
            SectionBlock(text=parts.md(intro)),
            *_facts(locale, view),
            *_texts(locale, view),
            _earlier(locale, view),
            _section(say(locale, "handover.why"), reasons, more),
            _history(locale, view, more),
            _reply(locale, view),
            parts.footer(" · ".join(footer)),
        ]
    )
    text = say(
        locale,
        "handover.fallback",
        name=mrkdwn.escape(name),
        score=parts.score_line(lead),
        qualifier=qualifier,
    )
    return {"text": parts.fallback(text), "blocks": blocks}
