"""Thread notes that are not a decision: a lead taken over or reassigned, notes typed after
someone else decided (kept as a comment), and an AE's answer to the handover."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import SectionBlock

from bot import mrkdwn
from bot.slack.blocks import parts
from bot.words import say

TRIAGE_NOTES = frozenset({"took_over", "reassigned", "comment", "accepted", "sent_back"})


def _text(note: Mapping[str, Any], locale: str) -> tuple[str, str]:
    """(the note's mrkdwn, its notification text)."""
    outcome = note["outcome"]
    by = mrkdwn.mention(note.get("by"))
    owner, previous = note.get("owner"), note.get("previous")
    if outcome == "comment":
        body = mrkdwn.clip(note.get("notes") or "", parts.SECTION_TEXT - 200)
        head = say(locale, "ownership.note.comment", by=by)
        quoted = "\n".join(f">{line}" for line in body.split("\n"))
        return f"{head}\n{quoted}", say(locale, "ownership.note.fallback_comment")
    if outcome in ("accepted", "sent_back"):
        key = "note_accepted" if outcome == "accepted" else "note_sent_back"
        text = say(
            locale,
            f"handover.reply.{key}",
            ae=by,
            sdr=mrkdwn.mention(owner),
            reason=mrkdwn.clip(note.get("reason") or "", 1000),
        )
        return text, say(locale, f"handover.reply.fallback_{outcome}")
    if outcome == "took_over":
        text = say(locale, "ownership.note.took_over", new=by, previous=mrkdwn.mention(previous))
        return text, say(locale, "ownership.note.fallback_took_over")
    key = "reassigned" if previous else "assigned"
    text = say(
        locale,
        f"ownership.note.{key}",
        by=by,
        new=mrkdwn.mention(owner),
        previous=mrkdwn.mention(previous),
    )
    return text, say(locale, "ownership.note.fallback_reassigned")


def triage_note(note: Mapping[str, Any], locale: str = "en") -> dict[str, Any]:
    text, fallback = _text(note, locale)
    return {
        "text": parts.fallback(fallback),
        "blocks": parts.render([SectionBlock(text=parts.md(mrkdwn.truncate(text, 3000)))]),
    }
