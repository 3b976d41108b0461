"""One call of a batch checked on its own: its size, its shape (pydantic) and its values
(convert.py), so that a bad call is named and kept while the others are stored.

The same check reads a kept call again when `sdrbot ingest replay` retries it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from bot.http.api import convert
from bot.http.api.errors import ApiError, describe
from bot.http.api.limits import MAX_CALL, size_text
from bot.http.api.schemas import BatchItem
from bot.ingest.event_map import EventMap
from bot.ingest.records import EventIn
from bot.usecases.ingest.apply_calls import IdentifyIn
from bot.usecases.ingest.rejected import CallRejected, Stored

_ITEM = TypeAdapter(BatchItem)


def check_item(
    raw: Any,
    i: int,
    events: EventMap,
    now: datetime,
    *,
    context: dict[str, Any] | None,
    sent_at: str | None,
) -> IdentifyIn | EventIn | None:
    """Call `i` of a batch as the use cases take it (None for the kinds a score does not use);
    raises CallRejected with every error found."""
    where = f"batch[{i}]"
    if len(orjson.dumps(raw)) > MAX_CALL:
        raise CallRejected(
            [
                (
                    where,
                    f"is larger than {size_text(MAX_CALL)}, the limit of one call; "
                    "send fewer or shorter properties and traits",
                )
            ]
        )
    try:
        item = _ITEM.validate_python(raw)
    except ValidationError as exc:
        found = (describe({**e, "loc": ("body", "batch", i, *e["loc"])}) for e in exc.errors())
        raise CallRejected(list(dict.fromkeys(found))) from None
    try:
        return convert.batch_item(item, i, events, now, context=context, sent_at=sent_at)
    except ApiError as exc:
        raise CallRejected(list(exc.errors)) from None


def envelope_of(context: dict[str, Any] | None, sent_at: str | None) -> dict[str, Any] | None:
    """What a batch's calls inherit from it, kept beside a rejected call."""
    out = {k: v for k, v in (("context", context), ("sentAt", sent_at)) if v is not None}
    return out or None


def parser(events: EventMap) -> Any:
    """Reads a kept call back, with today's event map, as of the time it arrived."""

    def parse(row: Stored) -> IdentifyIn | EventIn | None:
        envelope = row.envelope or {}
        context = envelope.get("context")
        sent_at = envelope.get("sentAt")
        return check_item(
            row.raw,
            0,
            events,
            row.received_at,
            context=context if isinstance(context, dict) else None,
            sent_at=sent_at if isinstance(sent_at, str) else None,
        )

    return parse
