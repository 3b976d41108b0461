"""What the handlers of the faked Web API methods share.

A handler gets the already authenticated, contract-checked arguments and returns the response
body without `ok`; it raises `SlackError` for an `ok: false` answer and calls `ctx.warn` for
something Slack would accept but a test should notice (blocks without a text fallback).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.slackapi.workspace import Workspace


class SlackError(Exception):
    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []


@dataclass
class Context:
    method: str
    root_url: str  # where the upload URLs point
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.warnings.append(message)


Handler = Callable[[Workspace, dict[str, Any], Context], dict[str, Any]]


def json_arg(args: dict[str, Any], name: str, error: str) -> Any:
    """Slack takes structured arguments as JSON strings (form bodies) or as JSON values."""
    value = args.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError(error, [f"[ERROR] {name} is not valid JSON"]) from None
    return value


def public(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if not k.startswith("_")}
