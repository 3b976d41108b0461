"""The exploration alert (pure): a lead under the MQL line, flagged as such, with the decision
buttons as "would you have…" answers; once answered, the answer in place of the buttons.
Every word comes from templates/<locale>/words/exploration.toml."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, SectionBlock

from bot import mrkdwn
from bot.slack.blocks import human, parts
from bot.slack.blocks.limits import check_message
from bot.slack.blocks.views import AlertView
from bot.words import say
from scoring.exploration import ANSWERS

ACTION_PREFIX = "exploration_"
ACTIONS = tuple(f"{ACTION_PREFIX}{a}" for a in ANSWERS)
ACTIONS_BLOCK_ID = "exploration_actions"
MAX_REASONS = 5
MAX_TIMELINE = 5


@dataclass(frozen=True)
class ExplorationView:
    sample_id: int
    lead: AlertView  # the lead as it is now (its facts, reasons, timeline)
    score: float  # the score it was sampled with
    line: float
    share: float
    band: float
    answer: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None


def answer_of(action_id: str) -> str:
    """The answer a button stands for ("promote" of `exploration_promote`)."""
    return action_id.removeprefix(ACTION_PREFIX)


def answer_label(locale: str, answer: str) -> str:
    return say(locale, f"exploration.answer.{answer}")


def _buttons(view: ExplorationView, locale: str) -> ActionsBlock:
    value = str(view.sample_id)
    styles = {"promote": "primary", "disqualify": "danger"}
    return ActionsBlock(
        block_id=ACTIONS_BLOCK_ID,
        elements=[
            ButtonElement(
                text=parts.plain(say(locale, f"exploration.button.{a}")),
                action_id=f"{ACTION_PREFIX}{a}",
                value=value,
                style=styles.get(a),
            )
            for a in ANSWERS
        ],
    )


def _answered(view: ExplorationView, locale: str) -> SectionBlock:
    answer = view.answer or ""
    icon, _ = human.outcome(locale, answer)
    who = human.actor(locale, view.answered_by or "")
    when = mrkdwn.date(view.answered_at) if view.answered_at else ""
    text = say(
        locale,
        "exploration.answered",
        icon=icon,
        who=who,
        label=answer_label(locale, answer),
        when=when,
    )
    return SectionBlock(text=parts.md(text))


def fallback(view: ExplorationView, locale: str = "en") -> str:
    name = mrkdwn.escape(parts.display_name(view.lead, locale))
    where = ", ".join(mrkdwn.escape(x) for x in (view.lead.title, view.lead.company) if x)
    subject = f"{name} ({where})" if where else name
    text = say(
        locale,
        "exploration.fallback",
        subject=subject,
        score=parts.number(view.score),
        line=parts.number(view.line),
    )
    return parts.fallback(text, locale)


def exploration_message(view: ExplorationView, locale: str = "en") -> dict[str, Any]:
    """`{"text", "blocks"}` for chat_postMessage and chat_update."""
    lead = view.lead
    numbers = {"score": parts.number(view.score), "line": parts.number(view.line)}
    percent = f"{view.share:.0%}" if view.share >= 0.01 else f"{view.share:.1%}"
    blocks = parts.render(
        [
            parts.header(
                say(locale, "exploration.header", name=parts.display_name(lead, locale)), locale
            ),
            SectionBlock(text=parts.md(say(locale, "exploration.why", **numbers))),
            ContextBlock(elements=[parts.md(say(locale, "exploration.label_only"))]),
            parts.fact_fields(lead, locale=locale),
            parts.reasons_section(
                say(locale, "alert.why"), lead.reason_list, MAX_REASONS, locale=locale
            ),
            parts.timeline_section(
                say(locale, "alert.recent"), lead.timeline_list, MAX_TIMELINE, locale
            ),
            _answered(view, locale) if view.answer else _buttons(view, locale),
            parts.footer(
                say(
                    locale,
                    "exploration.footer",
                    lead_id=lead.lead_id,
                    percent=percent,
                    band=parts.number(view.band),
                )
            ),
        ]
    )
    message = {"text": fallback(view, locale), "blocks": blocks}
    check_message(message)
    return message
