"""The modals of the triage around a decision: reassigning a lead (a user select) and an AE
sending a handover back (a reason)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    PlainTextInputElement,
    SectionBlock,
    UserSelectElement,
)

from bot import mrkdwn
from bot.slack.blocks import parts
from bot.slack.blocks.modals import NOTES_MAX, metadata_of, modal, shown_name, value_of
from bot.words import say

REASSIGN_CALLBACK = "reassign_submit"
SEND_BACK_CALLBACK = "send_back_submit"
OWNER = "owner"
REASON = "reason"


def reassign_modal(
    lead_id: int,
    name: str,
    *,
    locale: str = "en",
    owner: str | None = None,
    origin: str | None = None,
) -> dict[str, Any]:
    intro = say(locale, "ownership.reassign.intro", name=shown_name(locale, lead_id, name))
    select = UserSelectElement(
        action_id=OWNER, placeholder=parts.plain(say(locale, "ownership.reassign.placeholder"))
    )
    if owner:
        select.initial_user = owner
    return modal(
        REASSIGN_CALLBACK,
        metadata_of(lead_id, origin),
        locale,
        say(locale, "ownership.reassign.title"),
        say(locale, "ownership.reassign.submit"),
        [
            SectionBlock(text=parts.md(intro)),
            InputBlock(
                block_id=OWNER,
                label=parts.plain(say(locale, "ownership.reassign.label")),
                element=select,
            ),
        ],
    )


def read_reassign(view: Mapping[str, Any]) -> str | None:
    return value_of(view["state"]["values"], OWNER)


def send_back_modal(
    decision_id: int, lead_id: int, name: str, sdr: str, *, locale: str = "en"
) -> dict[str, Any]:
    intro = say(
        locale,
        "handover.send_back.intro",
        sdr=mrkdwn.mention(sdr),
        name=shown_name(locale, lead_id, name),
    )
    return modal(
        SEND_BACK_CALLBACK,
        f"{lead_id}:{decision_id}",
        locale,
        say(locale, "handover.send_back.title"),
        say(locale, "handover.send_back.submit"),
        [
            SectionBlock(text=parts.md(intro)),
            InputBlock(
                block_id=REASON,
                label=parts.plain(say(locale, "handover.send_back.label")),
                element=PlainTextInputElement(
                    action_id=REASON,
                    multiline=True,
                    max_length=NOTES_MAX,
                    placeholder=parts.plain(say(locale, "handover.send_back.placeholder")),
                ),
            ),
        ],
    )


def read_send_back(view: Mapping[str, Any]) -> tuple[int, str | None]:
    """(decision id, reason) of a submitted send-back modal."""
    decision_id = int(str(view["private_metadata"]).split(":", 1)[1])
    return decision_id, value_of(view["state"]["values"], REASON)
