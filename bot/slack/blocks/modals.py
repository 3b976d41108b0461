"""The decision modals: Promote (a BANT check) and Recycle/Disqualify (a reason), and reading
their submissions back.

Each modal carries the lead id in `private_metadata`; each input's block_id and action_id are
the same word (`budget`, `notes`, `reason`, ...), which is what the `read_*` functions expect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot import mrkdwn
from bot.slack.blocks import parts
from bot.slack.blocks.views import BantAnswers

PROMOTE_CALLBACK = "promote_submit"
REASON_CALLBACKS = {"recycle": "recycle_submit", "disqualify": "disqualify_submit"}
NOTES_MAX = 3000
OPTION_TEXT = 75
OPTION_VALUE = 150
MAX_OPTIONS = 100

# question -> (label, hint, ((value, shown text), ...)); the values are what gets stored
BANT: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    "budget": (
        "Budget",
        "Is money for this set aside, or can it be?",
        (
            ("confirmed", "Budget confirmed"),
            ("planned", "Planned or awaiting approval"),
            ("none", "No budget yet"),
            ("unknown", "Not known yet"),
        ),
    ),
    "authority": (
        "Authority",
        "Does this person decide, or sway the people who do?",
        (
            ("decision_maker", "Decision maker"),
            ("influencer", "Influencer or champion"),
            ("user", "User, not the buyer"),
            ("unknown", "Not known yet"),
        ),
    ),
    "need": (
        "Need",
        "Is there a concrete problem we solve?",
        (
            ("urgent", "Clear and urgent"),
            ("identified", "Identified, not urgent"),
            ("vague", "Vague so far"),
        ),
    ),
    "timing": (
        "Timing",
        "When would they realistically start?",
        (
            ("quarter", "Within 3 months"),
            ("half_year", "In 3–6 months"),
            ("year", "In 6–12 months"),
            ("later", "Later or unknown"),
        ),
    ),
}


def bant_label(question: str, value: str) -> str:
    """The shown text of a stored BANT answer (the value itself if the options changed)."""
    return dict(BANT.get(question, ("", "", ()))[2]).get(value, value)


def _select(question: str) -> InputBlock:
    label, hint, options = BANT[question]
    return InputBlock(
        block_id=question,
        label=parts.plain(label),
        hint=parts.plain(hint),
        element=StaticSelectElement(
            action_id=question,
            placeholder=parts.plain("Choose…"),
            options=[Option(value=v, text=parts.plain(t)) for v, t in options],
        ),
    )


def _notes(label: str, placeholder: str) -> InputBlock:
    return InputBlock(
        block_id="notes",
        label=parts.plain(label),
        optional=True,
        element=PlainTextInputElement(
            action_id="notes",
            multiline=True,
            max_length=NOTES_MAX,
            placeholder=parts.plain(placeholder),
        ),
    )


def _modal(
    callback_id: str, lead_id: int, title: str, submit: str, blocks: Sequence[Any]
) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=callback_id,
        private_metadata=str(lead_id),
        title=parts.plain(title),
        submit=parts.plain(submit),
        close=parts.plain("Cancel"),
        blocks=list(blocks),
    )
    result: dict[str, Any] = view.to_dict()
    return result


def promote_modal(lead_id: int, name: str) -> dict[str, Any]:
    """For `views.open` on a Promote click: BANT, an optional AE, pain points and notes."""
    intro = (
        f"Qualify *{mrkdwn.clip(name or f'lead #{lead_id}', 200)}* before handing over. "
        "The account executive gets your answers, the score breakdown and the activity "
        "history."
    )
    return _modal(
        PROMOTE_CALLBACK,
        lead_id,
        "Promote to SQL",
        "Hand over",
        [
            SectionBlock(text=parts.md(intro)),
            *(_select(q) for q in BANT),
            InputBlock(
                block_id="ae",
                label=parts.plain("Account executive"),
                optional=True,
                hint=parts.plain("Leave empty to post to the AE channel"),
                element=UserSelectElement(
                    action_id="ae", placeholder=parts.plain("Choose a person")
                ),
            ),
            _notes(
                "Pain points and notes", "What hurts, what they use today, who else is involved"
            ),
        ],
    )


def reason_modal(kind: str, lead_id: int, name: str, reasons: Sequence[str]) -> dict[str, Any]:
    """For `views.open` on a Recycle or Disqualify click: a reason from the list, and notes."""
    if kind not in REASON_CALLBACKS:
        raise ValueError(f"kind must be 'recycle' or 'disqualify', not {kind!r}")
    options: list[Option] = []
    seen: set[str] = set()
    for reason in [*reasons] or ["Other"]:
        value = reason.strip()[:OPTION_VALUE]
        if value and value not in seen and len(options) < MAX_OPTIONS:
            seen.add(value)
            options.append(
                Option(
                    value=value, text=parts.plain(mrkdwn.clip_plain(reason.strip(), OPTION_TEXT))
                )
            )
    verb = "recycled" if kind == "recycle" else "disqualified"
    intro = f"Why is *{mrkdwn.clip(name or f'lead #{lead_id}', 200)}* being {verb}?"
    return _modal(
        REASON_CALLBACKS[kind],
        lead_id,
        f"{kind.capitalize()} lead",
        kind.capitalize(),
        [
            SectionBlock(text=parts.md(intro)),
            InputBlock(
                block_id="reason",
                label=parts.plain("Reason"),
                element=StaticSelectElement(
                    action_id="reason", options=options, placeholder=parts.plain("Choose a reason")
                ),
            ),
            _notes("Notes", "Anything the next person should know"),
        ],
    )


def _value(state: Mapping[str, Any], name: str) -> str | None:
    entry = (state.get(name) or {}).get(name) or {}
    if entry.get("selected_option"):
        return str(entry["selected_option"]["value"])
    value = entry.get("selected_user") or entry.get("value")
    return str(value) if value else None


def lead_id_of(view: Mapping[str, Any]) -> int:
    return int(view["private_metadata"])


def read_promote(view: Mapping[str, Any]) -> BantAnswers:
    """The answers of a submitted promote modal (`body["view"]` of the view_submission)."""
    state = view["state"]["values"]
    return BantAnswers(
        budget=_value(state, "budget") or "unknown",
        authority=_value(state, "authority") or "unknown",
        need=_value(state, "need") or "unknown",
        timing=_value(state, "timing") or "later",
        notes=_value(state, "notes"),
        ae_slack_id=_value(state, "ae"),
    )


def read_reason(view: Mapping[str, Any]) -> tuple[str, str | None]:
    """(reason, notes) of a submitted recycle/disqualify modal."""
    state = view["state"]["values"]
    return _value(state, "reason") or "Other", _value(state, "notes")
