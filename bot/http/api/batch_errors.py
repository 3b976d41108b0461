"""A refused batch names the bad fields of all its items, not only those of the first kind.

pydantic checks the JSON types of the whole body before the router sees it; when one item has
a wrong type, the body is refused at once, and the value checks of the other items (a missing
identity, a timestamp in the future) would only be reported after the sender fixed the types
and tried again. Here the items pydantic did not fault are checked as the router would, so one
answer lists everything to fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter, ValidationError

from bot.http.api import convert
from bot.http.api.errors import ApiError, body, describe
from bot.http.api.schemas import BatchItem
from bot.ingest.event_map import EventMap

_ITEM = TypeAdapter(BatchItem)
_INDEX = re.compile(r"^batch\[(\d+)\]")


def validation_handler(
    events: EventMap, clock: Callable[[], datetime]
) -> Callable[[Request, Exception], JSONResponse]:
    def respond(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = list(dict.fromkeys(describe(e) for e in exc.errors()))
        errors += _other_items(exc, events, clock)
        errors.sort(key=_item_index)  # stable: within an item, pydantic's order first
        return JSONResponse(body(errors or [("body", "is not valid")], 400), status_code=400)

    return respond


def _other_items(
    exc: RequestValidationError, events: EventMap, clock: Callable[[], datetime]
) -> list[tuple[str, str]]:
    raw = exc.body
    if not isinstance(raw, dict) or not isinstance(raw.get("batch"), list):
        return []  # not a batch, or one whose shape is wrong as a whole
    faulted = {
        loc[2]
        for e in exc.errors()
        if len(loc := e.get("loc", ())) > 2
        and loc[:2] == ("body", "batch")
        and isinstance(loc[2], int)
    }
    context = raw.get("context") if isinstance(raw.get("context"), dict) else None
    sent_at = raw.get("sentAt") if isinstance(raw.get("sentAt"), str) else None
    now = clock()
    found: list[tuple[str, str]] = []
    for i, item in enumerate(raw["batch"]):
        if i in faulted:
            continue
        try:
            convert.batch_item(
                _ITEM.validate_python(item), i, events, now, context=context, sent_at=sent_at
            )
        except ValidationError:
            continue  # pydantic reported it with the body already
        except ApiError as error:
            found.extend(error.errors)
    return found


def _item_index(error: tuple[str, str]) -> int:
    match = _INDEX.match(error[0])
    return int(match.group(1)) if match else -1
