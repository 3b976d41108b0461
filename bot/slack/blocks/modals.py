"""The decision modals: Promote (BANT, pain points, notes) and Recycle/Disqualify (a reason and
notes), in the team's language, and reading their submissions back.

Each modal carries the lead id in `private_metadata`; each input's block_id and action_id are
the same word (`budget`, `notes`, `reason`, ...), which is what the `read_*` functions and the
server's `response_action: errors` expect. A decision on a lead someone else owns carries a
`take_over` checkbox (ownership policy "confirm").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
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
from bot.words import say
from scoring.qualification import ANSWERS, PAIN_POINTS

PROMOTE_CALLBACK = "promote_submit"
REASON_CALLBACKS = {"recycle": "recycle_submit", "disqualify": "disqualify_submit"}
TAKE_OVER = "take_over"
NOTES_MAX = 3000
OPTION_TEXT = 75
OPTION_VALUE = 150
MAX_OPTIONS = 100


@dataclass(frozen=True)
class Promotion:
    """A submitted promote modal: the BANT answers (None: not chosen), pain points, notes."""

    answers: dict[str, str | None]
    pain_points: str | None
    notes: str | None
    ae_slack_id: str | None


def bant_label(locale: str, question: str, value: str) -> str:
    """The shown text of a stored BANT answer ("not known yet" for one no longer offered)."""
    known = value in ANSWERS.get(question, ())
    return say(locale, f"bant.{question}.{value if known else 'unknown'}")


def _select(locale: str, question: str) -> InputBlock:
    return InputBlock(
        block_id=question,
        label=parts.plain(say(locale, f"bant.{question}.label")),
        hint=parts.plain(say(locale, f"bant.{question}.hint")),
        element=StaticSelectElement(
            action_id=question,
            placeholder=parts.plain(say(locale, "modals.choose")),
            options=[
                Option(value=v, text=parts.plain(bant_label(locale, question, v)))
                for v in ANSWERS[question]
            ],
        ),
    )


def _text(block_id: str, label: str, placeholder: str, *, optional: bool = True) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=parts.plain(label),
        optional=optional,
        element=PlainTextInputElement(
            action_id=block_id,
            multiline=True,
            max_length=NOTES_MAX,
            placeholder=parts.plain(placeholder),
        ),
    )


def notes_input(locale: str) -> InputBlock:
    return _text("notes", say(locale, "modals.notes"), say(locale, "modals.notes_placeholder"))


def take_over_blocks(locale: str, owner: str | None) -> list[Any]:
    """The confirmation a decision on someone else's lead asks for (nothing without an owner)."""
    if not owner:
        return []
    option = Option(value=TAKE_OVER, text=parts.plain(say(locale, "modals.take_over.option")))
    return [
        SectionBlock(
            text=parts.md(say(locale, "modals.take_over.intro", owner=mrkdwn.mention(owner)))
        ),
        InputBlock(
            block_id=TAKE_OVER,
            label=parts.plain(say(locale, "modals.take_over.label")),
            element=CheckboxesElement(action_id=TAKE_OVER, options=[option]),
        ),
    ]


def modal(
    callback_id: str, metadata: str, locale: str, title: str, submit: str, blocks: Sequence[Any]
) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=callback_id,
        private_metadata=metadata,
        title=parts.plain(mrkdwn.clip_plain(title, 24)),
        submit=parts.plain(mrkdwn.clip_plain(submit, 24)),
        close=parts.plain(say(locale, "modals.cancel")),
        blocks=list(blocks),
    )
    result: dict[str, Any] = view.to_dict()
    return result


def shown_name(locale: str, lead_id: int, name: str) -> str:
    return mrkdwn.clip(name or say(locale, "modals.unnamed", lead_id=lead_id), 200)


def metadata_of(lead_id: int, origin: str | None) -> str:
    """A modal's private_metadata: the lead id, and where the click was (App Home: "home")."""
    return f"{lead_id}:{origin}" if origin else str(lead_id)


def promote_modal(
    lead_id: int,
    name: str,
    *,
    locale: str = "en",
    owner: str | None = None,
    origin: str | None = None,
) -> dict[str, Any]:
    """For `views.open` on a Promote click: BANT, an optional AE, pain points and notes;
    `owner`: the lead's owner when it is not the person deciding."""
    intro = say(locale, "modals.promote.intro", name=shown_name(locale, lead_id, name))
    return modal(
        PROMOTE_CALLBACK,
        metadata_of(lead_id, origin),
        locale,
        say(locale, "modals.promote.title"),
        say(locale, "modals.promote.submit"),
        [
            SectionBlock(text=parts.md(intro)),
            *take_over_blocks(locale, owner),
            *(_select(locale, q) for q in ANSWERS),
            _text(
                PAIN_POINTS,
                say(locale, "bant.pain_points.label"),
                say(locale, "bant.pain_points.placeholder"),
            ),
            InputBlock(
                block_id="ae",
                label=parts.plain(say(locale, "modals.promote.ae")),
                optional=True,
                hint=parts.plain(say(locale, "modals.promote.ae_hint")),
                element=UserSelectElement(
                    action_id="ae",
                    placeholder=parts.plain(say(locale, "modals.promote.ae_placeholder")),
                ),
            ),
            notes_input(locale),
        ],
    )


def reasons_offered(reasons: Sequence[str], locale: str = "en") -> list[tuple[str, str]]:
    """(value, shown text) of each reason the modal offers: the configured ones, deduplicated
    and cut to Slack's limits, or "Other" when none are configured. A submission's reason must
    be one of these values."""
    out: list[tuple[str, str]] = []
    for reason in reasons:
        value = reason.strip()[:OPTION_VALUE]
        if value and value not in {v for v, _ in out} and len(out) < MAX_OPTIONS:
            out.append((value, mrkdwn.clip_plain(reason.strip(), OPTION_TEXT)))
    return out or [("Other", say(locale, "modals.reason.other"))]


def reason_modal(
    kind: str,
    lead_id: int,
    name: str,
    reasons: Sequence[str],
    *,
    locale: str = "en",
    owner: str | None = None,
    origin: str | None = None,
) -> dict[str, Any]:
    """For `views.open` on a Recycle or Disqualify click: a reason from the list, and notes."""
    if kind not in REASON_CALLBACKS:
        raise ValueError(f"kind must be 'recycle' or 'disqualify', not {kind!r}")
    options = [Option(value=v, text=parts.plain(t)) for v, t in reasons_offered(reasons, locale)]
    intro = say(locale, f"modals.{kind}.intro", name=shown_name(locale, lead_id, name))
    return modal(
        REASON_CALLBACKS[kind],
        metadata_of(lead_id, origin),
        locale,
        say(locale, f"modals.{kind}.title"),
        say(locale, f"modals.{kind}.submit"),
        [
            SectionBlock(text=parts.md(intro)),
            *take_over_blocks(locale, owner),
            InputBlock(
                block_id="reason",
                label=parts.plain(say(locale, "modals.reason.label")),
                element=StaticSelectElement(
                    action_id="reason",
                    options=options,
                    placeholder=parts.plain(say(locale, "modals.reason.placeholder")),
                ),
            ),
            notes_input(locale),
        ],
    )


def value_of(state: Mapping[str, Any], name: str) -> str | None:
    entry = (state.get(name) or {}).get(name) or {}
    if entry.get("selected_option"):
        return str(entry["selected_option"]["value"])
    value = entry.get("selected_user") or entry.get("value")
    text = str(value).strip() if value else ""
    return text or None


def lead_id_of(view: Mapping[str, Any]) -> int:
    return int(str(view["private_metadata"]).split(":", 1)[0])


def read_promote(view: Mapping[str, Any]) -> Promotion:
    """The answers of a submitted promote modal (`body["view"]` of the view_submission)."""
    state = view["state"]["values"]
    return Promotion(
        answers={q: value_of(state, q) for q in ANSWERS},
        pain_points=value_of(state, PAIN_POINTS),
        notes=value_of(state, "notes"),
        ae_slack_id=value_of(state, "ae"),
    )


def read_reason(view: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(reason, notes) of a submitted recycle/disqualify modal; None: no reason chosen."""
    state = view["state"]["values"]
    return value_of(state, "reason"), value_of(state, "notes")


def asks_take_over(view: Mapping[str, Any]) -> bool:
    """Whether the modal was opened with the take-over confirmation."""
    return TAKE_OVER in view["state"]["values"] or any(
        b.get("block_id") == TAKE_OVER for b in view.get("blocks") or ()
    )


def took_over(view: Mapping[str, Any]) -> bool:
    entry = (view["state"]["values"].get(TAKE_OVER) or {}).get(TAKE_OVER) or {}
    return any(o.get("value") == TAKE_OVER for o in entry.get("selected_options") or ())
