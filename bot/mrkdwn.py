"""Making lead and user text safe for Slack, and the few mrkdwn constructs we emit ourselves.

Slack parses `&`, `<` and `>` in every text object and in a message's `text`: `<!channel>`
pings a channel, `<@U1>` a person, `<http://x|y>` hides a link behind a label. Those three
characters become entities, which Slack shows as the characters again.

Slack offers no escape for the formatting characters. A lead named `*Bold_Guy*` would render
bold, so `escape` swaps a formatting character for a lookalike where Slack could read it as a
delimiter: `*` → `∗` (U+2217), `_` → `ˍ` (U+02CD), `~` → `∼` (U+223C), a line-leading `>` → `›`
(U+203A), and every backtick → `ˋ` (U+02CB). A zero-width character next to the delimiter was the
alternative, but Slack counts some of those as word boundaries, which can switch formatting on
rather than off. A `*`, `_` or `~` between two letters or digits (`john_doe@example.com`) cannot
open or close formatting and stays as it is, so addresses remain copyable. `@channel`, `@here`
and `@everyone` (not inside an address) get a word joiner (U+2060) after the `@` so that no
parsing mode turns them into a broadcast. The stored data keeps the original text; only what
Slack shows differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

ELLIPSIS = "…"
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ENTITY_TEXTS = tuple(_ENTITIES.values())
_LOOKALIKES = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"}
_QUOTE_LOOKALIKE = "\u203a"
_BROADCAST = re.compile(r"(?<!\w)@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SAFE_URL = re.compile(r"^(?:https?://|mailto:)[^\s<>|]+$")


def escape_plain(text: object) -> str:
    """For `plain_text` objects: the three control characters, as Slack asks (and no
    broadcast words, should the text ever be reused where Slack parses it)."""
    return _BROADCAST.sub("@\u2060", "".join(_ENTITIES.get(ch, ch) for ch in str(text)))


def _inside_word(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def _starts_line(text: str, i: int) -> bool:
    return text[:i].rsplit("\n", 1)[-1].strip() == ""


def escape(text: object) -> str:
    """For `mrkdwn` objects and message `text`: shows `text` literally and pings no one."""
    raw = str(text)
    out = []
    for i, ch in enumerate(raw):
        if ch == ">" and _starts_line(raw, i):
            out.append(_QUOTE_LOOKALIKE)
        elif ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch == "`" or (ch in _LOOKALIKES and not _inside_word(raw, i)):
            out.append(_LOOKALIKES[ch])
        else:
            out.append(ch)
    return _BROADCAST.sub("@\u2060", "".join(out))


def _safe_cut(text: str, cut: int) -> int:
    """Move `cut` back so it splits neither an entity nor a `<...>` sequence of ours."""
    amp = text.rfind("&", max(0, cut - 4), cut)
    if amp != -1 and any(text.startswith(e, amp) and amp + len(e) > cut for e in _ENTITY_TEXTS):
        cut = amp
    opening = text.rfind("<", 0, cut)
    if opening != -1 and text.find(">", opening, cut) == -1:
        cut = opening
    return cut


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, ending in `…` when shortened; for already escaped text."""
    if len(text) <= limit:
        return text
    if limit < len(ELLIPSIS):
        return ""
    cut = _safe_cut(text, limit - len(ELLIPSIS))
    return text[:cut].rstrip() + ELLIPSIS


def clip(text: object, limit: int) -> str:
    """Escape for mrkdwn, then truncate."""
    return truncate(escape(text), limit)


def clip_plain(text: object, limit: int) -> str:
    """Escape for plain_text, then truncate."""
    return truncate(escape_plain(text), limit)


def mention(user_id: str | None, fallback: str = "someone") -> str:
    """`<@U…>` for a well-formed Slack user id; anything else is shown, escaped, not parsed."""
    if not user_id:
        return fallback
    if _SLACK_USER_ID.match(user_id):
        return f"<@{user_id}>"
    return escape(user_id)


def date(moment: datetime, fmt: str = "{date_short_pretty} {time}") -> str:
    """A date each reader sees in their own time zone; UTC text for clients that cannot."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{fmt}|{fallback}>"


def link(url: str, label: str) -> str:
    """A link with an escaped label; a URL we would not vouch for is shown as the label only."""
    if not _SAFE_URL.match(url):
        return escape(label)
    return f"<{url}|{escape(label)}>"


def fit_lines(lines: Iterable[str], limit: int, *, more: str = "… and {n} more") -> str:
    """Join whole lines up to `limit` characters, ending with how many did not fit."""
    items: Sequence[str] = list(lines)
    kept: list[str] = []
    used = 0
    for i, line in enumerate(items):
        left = len(items) - i - 1
        # keep room for the note that would follow if the next line no longer fitted
        reserve = len(more.format(n=left)) + 1 if left else 0
        cost = len(line) + (1 if kept else 0)
        if used + cost + reserve > limit:
            note = more.format(n=len(items) - i)
            return "\n".join([*kept, note]) if kept else truncate(note, limit)
        kept.append(line)
        used += cost
    return "\n".join(kept)
