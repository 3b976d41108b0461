"""What the listeners need from the rest of the bot, handed to them through Bolt's context.

The factory puts one `Services` into every request's context, so listener modules keep the
plain `register(app)` shape and hold no globals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.slack.roles import Deciders

CONTEXT_KEY = "sdrbot"


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    clock: Callable[[], datetime]
    deciders: Deciders
    # nudges the outbox sender, so an alert update follows a click at once, not at the next poll
    wake: Callable[[], None] = field(default=_nothing)
    # marketing ops: who may approve or reject a model proposal (`[learning] approvers`)
    approvers: Deciders | None = None


def services(context: Mapping[str, Any]) -> Services:
    found = context[CONTEXT_KEY]
    assert isinstance(found, Services)
    return found
