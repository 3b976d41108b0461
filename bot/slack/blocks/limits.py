"""Block Kit limits, checked before anything is sent (and by the tests of every builder).

Slack rejects a whole message for one field that is a character too long (`invalid_blocks`),
and an outbox that retries such a message retries forever. `message_problems` and
`view_problems` list every breach with a path like `blocks[3].fields[2].text`; `check_message`
and `check_view` raise instead. Lengths count Python characters (code points).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 40_000

# (object kind, key) -> maximum length of that string / text object's text
TEXT_LIMITS: dict[tuple[str, str], int] = {
    ("section", "text"): 3000,
    ("section", "fields[]"): 2000,
    ("header", "text"): 150,
    ("context", "elements[]"): 3000,
    ("input", "label"): 2000,
    ("input", "hint"): 2000,
    ("image", "alt_text"): 2000,
    ("image", "title"): 2000,
    ("button", "text"): 75,
    ("button", "value"): 2000,
    ("button", "url"): 3000,
    ("option", "text"): 75,
    ("option", "value"): 150,
    ("option", "description"): 75,
    ("confirm", "title"): 100,
    ("confirm", "text"): 300,
    ("confirm", "confirm"): 30,
    ("confirm", "deny"): 30,
    ("select", "placeholder"): 150,
    ("plain_text_input", "initial_value"): 3000,
    ("plain_text_input", "placeholder"): 150,
    ("modal", "title"): 24,
    ("modal", "submit"): 24,
    ("modal", "close"): 24,
    ("home", "title"): 24,
}
PLAIN_ONLY = {
    ("header", "text"),
    ("input", "label"),
    ("input", "hint"),
    ("button", "text"),
    ("confirm", "title"),
    ("confirm", "confirm"),
    ("confirm", "deny"),
    ("select", "placeholder"),
    ("plain_text_input", "placeholder"),
    ("modal", "title"),
    ("modal", "submit"),
    ("modal", "close"),
    ("home", "title"),
    ("option", "text"),
}
COUNT_LIMITS = {
    ("section", "fields"): 10,
    ("context", "elements"): 10,
    ("actions", "elements"): 25,
    ("select", "options"): 100,
}
VIEW_STRINGS = {"private_metadata": 3000, "callback_id": 255, "external_id": 255}
ID_LIMIT = 255
SELECTS = {"static_select", "multi_static_select", "radio_buttons", "checkboxes", "overflow"}


class BlockKitLimitError(ValueError):
    pass


@dataclass
class _Walk:
    problems: list[str] = field(default_factory=list)
    action_ids: set[str] = field(default_factory=set)
    block_ids: set[str] = field(default_factory=set)

    def note(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def value(self, kind: str, key: str, path: str, value: Any) -> None:
        """A string or text object under `key` of a `kind` object."""
        limit = TEXT_LIMITS.get((kind, key))
        text = value
        if isinstance(value, Mapping):
            if value.get("type") not in ("plain_text", "mrkdwn"):
                self.note(path, f"text object type {value.get('type')!r}")
            elif (kind, key) in PLAIN_ONLY and value["type"] != "plain_text":
                self.note(path, "must be plain_text")
            text = value.get("text")
            if not text:
                self.note(path, "text object with empty text")
        if limit is not None and isinstance(text, str) and len(text) > limit:
            self.note(path, f"{len(text)} characters, limit {limit}")

    def count(self, kind: str, key: str, path: str, items: Any) -> None:
        limit = COUNT_LIMITS.get((kind, key))
        if limit is not None and isinstance(items, list) and len(items) > limit:
            self.note(path, f"{len(items)} items, limit {limit}")

    def unique(self, seen: set[str], path: str, what: str, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not 0 < len(value) <= ID_LIMIT:
            self.note(path, f"{what} must be 1 to {ID_LIMIT} characters")
        elif value in seen:
            self.note(path, f"duplicate {what} {value!r}")
        seen.add(str(value))

    def element(self, path: str, el: Mapping[str, Any]) -> None:
        kind = str(el.get("type"))
        self.unique(self.action_ids, f"{path}.action_id", "action_id", el.get("action_id"))
        if kind == "button":
            for key in ("text", "value", "url"):
                if key in el:
                    self.value("button", key, f"{path}.{key}", el[key])
        if "placeholder" in el:
            self.value(
                "plain_text_input" if kind == "plain_text_input" else "select",
                "placeholder",
                f"{path}.placeholder",
                el["placeholder"],
            )
        if "initial_value" in el:
            self.value(
                "plain_text_input", "initial_value", f"{path}.initial_value", el["initial_value"]
            )
        if kind in SELECTS:
            options = el.get("options") or []
            self.count("select", "options", f"{path}.options", options)
            for i, option in enumerate(options):
                for key in ("text", "value", "description"):
                    if key in option:
                        self.value("option", key, f"{path}.options[{i}].{key}", option[key])
        confirm = el.get("confirm")
        if isinstance(confirm, Mapping):
            for key in ("title", "text", "confirm", "deny"):
                self.value("confirm", key, f"{path}.confirm.{key}", confirm.get(key))

    def block(self, path: str, block: Mapping[str, Any]) -> None:
        kind = str(block.get("type"))
        self.unique(self.block_ids, f"{path}.block_id", "block_id", block.get("block_id"))
        for key in ("text", "label", "hint", "alt_text", "title"):
            if key in block:
                self.value(kind, key, f"{path}.{key}", block[key])
        for key in ("fields", "elements"):
            items = block.get(key)
            if not isinstance(items, list):
                continue
            self.count(kind, key, f"{path}.{key}", items)
            for i, item in enumerate(items):
                where = f"{path}.{key}[{i}]"
                if kind == "actions":
                    self.element(where, item)
                elif item.get("type") != "image":
                    self.value(kind, f"{key}[]", where, item)
        for key in ("accessory", "element"):
            if isinstance(block.get(key), Mapping):
                self.element(f"{path}.{key}", block[key])

    def blocks(self, blocks: Any, limit: int) -> None:
        if not isinstance(blocks, list):
            self.note("blocks", "must be a list")
            return
        if len(blocks) > limit:
            self.note("blocks", f"{len(blocks)} blocks, limit {limit}")
        for i, block in enumerate(blocks):
            self.block(f"blocks[{i}]", block)


def message_problems(message: Mapping[str, Any]) -> list[str]:
    """Breaches in a `{"text", "blocks"}` payload, including a missing text fallback."""
    walk = _Walk()
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        walk.note("text", "a plain-text fallback is required")
    elif len(text) > MESSAGE_TEXT:
        walk.note("text", f"{len(text)} characters, limit {MESSAGE_TEXT}")
    if "blocks" in message:
        walk.blocks(message["blocks"], MESSAGE_BLOCKS)
    return walk.problems


def view_problems(view: Mapping[str, Any]) -> list[str]:
    walk = _Walk()
    kind = view.get("type")
    if kind not in ("modal", "home"):
        walk.note("type", "must be modal or home")
        return walk.problems
    for key in ("title", "submit", "close"):
        if key in view:
            walk.value(str(kind), key, key, view[key])
    if kind == "modal" and "title" not in view:
        walk.note("title", "a modal needs a title")
    for key, limit in VIEW_STRINGS.items():
        value = view.get(key)
        if isinstance(value, str) and len(value) > limit:
            walk.note(key, f"{len(value)} characters, limit {limit}")
    walk.blocks(view.get("blocks"), VIEW_BLOCKS)
    return walk.problems


def check_message(message: Mapping[str, Any]) -> None:
    problems = message_problems(message)
    if problems:
        raise BlockKitLimitError("; ".join(problems))


def check_view(view: Mapping[str, Any]) -> None:
    problems = view_problems(view)
    if problems:
        raise BlockKitLimitError("; ".join(problems))
