"""Block Kit limits as Slack enforces them, written independently of `bot.slack.blocks.limits`.

The fake must not trust the code under test, so it carries its own reading of the limits. Each
finding is phrased like Slack's `response_metadata.messages`: an `[ERROR]` text and a JSON
pointer to the offending field.
"""

from __future__ import annotations

# long module: Block Kit's rules for every block and element the bot sends, in one reading
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 40_000

BLOCK_TYPES = frozenset(
    {
        "section",
        "divider",
        "image",
        "actions",
        "context",
        "input",
        "header",
        "rich_text",
        "file",
        "video",
        "markdown",
    }
)
ELEMENT_TYPES = frozenset(
    {
        "button",
        "checkboxes",
        "datepicker",
        "datetimepicker",
        "email_text_input",
        "file_input",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
        "number_input",
        "overflow",
        "plain_text_input",
        "radio_buttons",
        "rich_text_input",
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "timepicker",
        "url_text_input",
        "workflow_button",
    }
)
SELECTS_WITH_OPTIONS = frozenset(
    {"static_select", "multi_static_select", "overflow", "checkboxes", "radio_buttons"}
)


class Checker:
    """Collects findings for one message or view; action_id/block_id uniqueness spans it all."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self._action_ids: set[str] = set()
        self._block_ids: set[str] = set()

    def fail(self, where: str, what: str) -> None:
        self.errors.append(f"[ERROR] {what} [json-pointer:{where}]")

    def length(self, where: str, value: Any, limit: int, minimum: int = 0) -> None:
        if not isinstance(value, str):
            self.fail(where, "must be a string")
        elif len(value) > limit:
            self.fail(where, f"must be less than {limit + 1} characters")
        elif len(value) < minimum:
            self.fail(where, f"must be at least {minimum} characters")

    def text(self, where: str, obj: Any, limit: int, plain_only: bool = False) -> None:
        if not isinstance(obj, dict):
            self.fail(where, "must be a text object")
            return
        kind = obj.get("type")
        allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
        if kind not in allowed:
            self.fail(f"{where}/type", f"must be one of {', '.join(allowed)}")
        if "emoji" in obj and kind != "plain_text":
            self.fail(f"{where}/emoji", "is only allowed on plain_text")
        if "verbatim" in obj and kind != "mrkdwn":
            self.fail(f"{where}/verbatim", "is only allowed on mrkdwn")
        self.length(f"{where}/text", obj.get("text"), limit, minimum=1)

    def action_id(self, where: str, element: dict[str, Any], required: bool = False) -> None:
        action_id = element.get("action_id")
        if action_id is None:
            if required:
                self.fail(where, "missing required field: action_id")
            return
        self.length(f"{where}/action_id", action_id, 255)
        if action_id in self._action_ids:
            self.fail(f"{where}/action_id", f"duplicate action_id {action_id!r}")
        self._action_ids.add(action_id)

    def confirm(self, where: str, obj: Any) -> None:
        if not isinstance(obj, dict):
            self.fail(where, "must be a confirm object")
            return
        self.text(f"{where}/title", obj.get("title"), 100, plain_only=True)
        self.text(f"{where}/text", obj.get("text"), 300)
        self.text(f"{where}/confirm", obj.get("confirm"), 30, plain_only=True)
        self.text(f"{where}/deny", obj.get("deny"), 30, plain_only=True)
        if obj.get("style") not in (None, "primary", "danger"):
            self.fail(f"{where}/style", "must be primary or danger")

    def option(self, where: str, obj: Any) -> None:
        if not isinstance(obj, dict):
            self.fail(where, "must be an option object")
            return
        self.text(f"{where}/text", obj.get("text"), 75)
        self.length(f"{where}/value", obj.get("value"), 150, minimum=1)
        if "description" in obj:
            self.text(f"{where}/description", obj["description"], 75)

    def element(self, where: str, el: Any, *, in_input: bool = False) -> None:
        if not isinstance(el, dict):
            self.fail(where, "must be an element object")
            return
        kind = el.get("type")
        if kind == "image":
            self.length(f"{where}/alt_text", el.get("alt_text"), 2000, minimum=1)
            return
        if kind not in ELEMENT_TYPES:
            self.fail(f"{where}/type", f"unknown element type {kind!r}")
            return
        self.action_id(where, el, required=kind == "button" and "url" not in el)
        if "confirm" in el:
            self.confirm(f"{where}/confirm", el["confirm"])
        if "placeholder" in el:
            self.text(f"{where}/placeholder", el["placeholder"], 150, plain_only=True)
        if kind == "button":
            self.text(f"{where}/text", el.get("text"), 75, plain_only=True)
            if "value" in el:
                self.length(f"{where}/value", el["value"], 2000)
            if "url" in el:
                self.length(f"{where}/url", el["url"], 3000)
            if el.get("style") not in (None, "primary", "danger"):
                self.fail(f"{where}/style", "must be primary or danger")
        elif kind in SELECTS_WITH_OPTIONS:
            self._options(where, el)
        elif kind == "plain_text_input":
            if "initial_value" in el:
                self.length(f"{where}/initial_value", el["initial_value"], 3000)
            max_length = el.get("max_length", 3000)
            if not isinstance(max_length, int) or not 0 < max_length <= 3000:
                self.fail(f"{where}/max_length", "must be an integer from 1 to 3000")
        if kind.endswith("_input") and kind != "file_input" and not in_input:
            self.fail(where, f"{kind} is only allowed in input blocks")

    def _options(self, where: str, el: dict[str, Any]) -> None:
        options = el.get("options")
        groups = el.get("option_groups")
        if options is None and groups is None:
            self.fail(where, "must provide options or option_groups")
            return
        limit = 5 if el["type"] == "overflow" else 100
        if options is not None:
            if not isinstance(options, list) or not options:
                self.fail(f"{where}/options", "must be a non-empty array")
                return
            if len(options) > limit:
                self.fail(f"{where}/options", f"must have at most {limit} items")
            for i, option in enumerate(options):
                self.option(f"{where}/options/{i}", option)
            initial = el.get("initial_option")
            if initial is not None and initial not in options:
                self.fail(f"{where}/initial_option", "must match one of the options")
        if groups is not None and (not isinstance(groups, list) or len(groups) > 100):
            self.fail(f"{where}/option_groups", "must be an array of at most 100 groups")

    def block(self, where: str, block: Any, surface: str) -> None:
        if not isinstance(block, dict):
            self.fail(where, "must be a block object")
            return
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.fail(f"{where}/type", f"unknown block type {kind!r}")
            return
        block_id = block.get("block_id")
        if block_id is not None:
            self.length(f"{where}/block_id", block_id, 255, minimum=1)
            if block_id in self._block_ids:
                self.fail(f"{where}/block_id", f"duplicate block_id {block_id!r}")
            self._block_ids.add(block_id)
        getattr(self, f"_block_{kind}", self._block_other)(where, block, surface)

    def _block_section(self, where: str, block: dict[str, Any], surface: str) -> None:
        if "text" not in block and "fields" not in block:
            self.fail(where, "must provide text or fields")
        if "text" in block:
            self.text(f"{where}/text", block["text"], 3000)
        if "fields" in block:
            fields = block["fields"]
            if not isinstance(fields, list) or not 1 <= len(fields) <= 10:
                self.fail(f"{where}/fields", "must have between 1 and 10 items")
            else:
                for i, field in enumerate(fields):
                    self.text(f"{where}/fields/{i}", field, 2000)
        if "accessory" in block:
            self.element(f"{where}/accessory", block["accessory"])

    def _block_header(self, where: str, block: dict[str, Any], surface: str) -> None:
        self.text(f"{where}/text", block.get("text"), 150, plain_only=True)

    def _block_context(self, where: str, block: dict[str, Any], surface: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
            self.fail(f"{where}/elements", "must have between 1 and 10 items")
            return
        for i, el in enumerate(elements):
            path = f"{where}/elements/{i}"
            if isinstance(el, dict) and el.get("type") == "image":
                self.element(path, el)
            else:
                self.text(path, el, 3000)

    def _block_actions(self, where: str, block: dict[str, Any], surface: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
            self.fail(f"{where}/elements", "must have between 1 and 25 items")
            return
        for i, el in enumerate(elements):
            self.element(f"{where}/elements/{i}", el)

    def _block_input(self, where: str, block: dict[str, Any], surface: str) -> None:
        if surface == "message":
            self.fail(where, "input blocks are only allowed in views")
        self.text(f"{where}/label", block.get("label"), 2000, plain_only=True)
        if "hint" in block:
            self.text(f"{where}/hint", block["hint"], 2000, plain_only=True)
        if "element" not in block:
            self.fail(where, "missing required field: element")
        else:
            self.element(f"{where}/element", block["element"], in_input=True)

    def _block_image(self, where: str, block: dict[str, Any], surface: str) -> None:
        self.length(f"{where}/alt_text", block.get("alt_text"), 2000, minimum=1)
        if "image_url" in block:
            self.length(f"{where}/image_url", block["image_url"], 3000)
        elif "slack_file" not in block:
            self.fail(where, "must provide image_url or slack_file")
        if "title" in block:
            self.text(f"{where}/title", block["title"], 2000, plain_only=True)

    def _block_other(self, where: str, block: dict[str, Any], surface: str) -> None:
        return None  # divider, rich_text, file, video, markdown: no limits we rely on


def check_blocks(
    blocks: Any, surface: str = "message", checker: Checker | None = None
) -> list[str]:
    """Findings for a `blocks` array; `surface` is "message", "modal" or "home"."""
    checker = checker or Checker()
    if not isinstance(blocks, list):
        checker.fail("/blocks", "must be an array")
        return checker.errors
    limit = MESSAGE_BLOCKS if surface == "message" else VIEW_BLOCKS
    if len(blocks) > limit:
        checker.fail("/blocks", f"no more than {limit} items allowed")
    for i, block in enumerate(blocks):
        checker.block(f"/blocks/{i}", block, surface)
    return checker.errors


def check_view(view: Any) -> list[str]:
    checker = Checker()
    if not isinstance(view, dict):
        checker.fail("/view", "must be an object")
        return checker.errors
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.fail("/view/type", "must be modal or home")
        return checker.errors
    if kind == "modal":
        checker.text("/view/title", view.get("title"), 24, plain_only=True)
    elif "title" in view:
        checker.text("/view/title", view["title"], 24, plain_only=True)
    for key in ("submit", "close"):
        if key in view:
            checker.text(f"/view/{key}", view[key], 24, plain_only=True)
    blocks = view.get("blocks")
    if (
        kind == "modal"
        and "submit" not in view
        and isinstance(blocks, list)
        and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    ):
        checker.fail("/view/submit", "a modal with input blocks needs submit")
    for key, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        if key in view:
            checker.length(f"/view/{key}", view[key], limit)
    check_blocks(blocks, kind, checker)
    return checker.errors
