"""The weekly digest as a Block Kit message (pure): header, one section per part, the chart's
place, the definitions in a context footnote; checked against Slack's limits."""

from __future__ import annotations

from typing import Any

from bot.digest.texts import DigestTexts
from bot.slack.blocks.limits import check_message

SECTION_TEXT = 3000  # Slack's limit for a section's text: a longer part is cut with an ellipsis


def digest_message(texts: DigestTexts) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(texts.header, 150)}}
    ]
    for i, section in enumerate(texts.sections):
        if i > 0:
            blocks.append({"type": "divider"})
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut(section, SECTION_TEXT)}}
        )
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(texts.footnote, 3000)}]}
    )
    message = {"text": texts.fallback, "blocks": blocks}
    check_message(message)
    return message


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
