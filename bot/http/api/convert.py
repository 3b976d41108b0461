"""Segment calls turned into what the use cases take (LeadIn, EventIn), or a field error."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.http.api.errors import ApiError
from bot.http.api.schemas import BatchItemModel, Identify, Ignored, Page, Track
from bot.ingest.event_map import EventMap, UnknownEvent
from bot.ingest.records import (
    MAX_EMAIL,
    MAX_EXTERNAL_ID,
    EventIn,
    Identity,
    RowRejected,
    normalise_email,
    parse_timestamp,
)
from bot.ingest.traits import lead_from_traits
from bot.usecases.ingest.apply_calls import ANON_PREFIX, IdentifyIn


def _prefix(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def id_of(value: str | int | None, field: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > MAX_EXTERNAL_ID - len(ANON_PREFIX):
        raise ApiError(
            400, field, f"is longer than {MAX_EXTERNAL_ID - len(ANON_PREFIX)} characters"
        )
    return text or None


def email_of(value: Any, field: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or len(value) > MAX_EMAIL:
        raise ApiError(400, field, "must be an e-mail address (text of at most 320 characters)")
    try:
        return normalise_email(value, 0)
    except RowRejected as exc:
        raise ApiError(400, field, exc.error.message) from None


def identity(
    call: Identify | Track | Page, email: str | None, path: str, email_field: str
) -> tuple[Identity, str | None]:
    """The lead a call names, and the anonymous id it links (when it also names a person)."""
    user = id_of(call.userId, _prefix(path, "userId"))
    anon = id_of(call.anonymousId, _prefix(path, "anonymousId"))
    anon_key = ANON_PREFIX + anon if anon else None
    if user or email:
        return Identity(email, user), anon_key
    if anon_key:
        return Identity(None, anon_key), None
    raise ApiError(
        400,
        _prefix(path, "userId"),
        f"the call names nobody: give a userId, an anonymousId or {email_field}",
    )


def merged_traits(call: Identify | Track | Page) -> dict[str, Any]:
    """The call's traits: `context.traits` (where rudder-sdk-python puts an identify's, and
    where the SDKs put a track's) overlaid by top-level `traits`, field by field."""
    ctx_traits = (call.context or {}).get("traits")
    base = ctx_traits if isinstance(ctx_traits, dict) else {}
    return {**base, **(call.traits or {})}


def _email_field(call: Identify | Track | Page, path: str) -> str:
    """Where the e-mail that identifies the call was sent, for its error."""
    ctx_traits = (call.context or {}).get("traits")
    if "email" in (call.traits or {}):
        top = True
    elif isinstance(ctx_traits, dict) and "email" in ctx_traits:
        top = False
    else:  # named in the hint of a call that names nobody: where that kind usually has it
        top = isinstance(call, Identify)
    return _prefix(path, "traits.email" if top else "context.traits.email")


def when(raw: str | None, now: datetime | None, field: str) -> datetime:
    """The time `raw` names (not more than a day after `now`, if given); `now` if it is None."""
    if raw is None:
        assert now is not None
        return now
    try:
        return parse_timestamp(raw, 0, field, now=now)
    except RowRejected as exc:
        raise ApiError(400, field, exc.error.message) from None


def occurred(call: Track | Page, now: datetime, path: str) -> datetime:
    """`timestamp`; else the device's `originalTimestamp`, shifted by the device clock's error
    (`sentAt` against our clock), as Segment computes it; else the time of arrival."""
    # every time given is checked, used or not: a garbled one is a sender's bug to report
    original = sent = None
    if call.originalTimestamp is not None:
        original = when(call.originalTimestamp, None, _prefix(path, "originalTimestamp"))
    if call.sentAt is not None:
        sent = when(call.sentAt, None, _prefix(path, "sentAt"))
    if call.timestamp is not None or original is None:
        return when(call.timestamp, now, _prefix(path, "timestamp"))
    if sent is not None:
        try:
            original += now - sent
        except OverflowError:
            raise ApiError(
                400,
                _prefix(path, "sentAt"),
                f"{call.sentAt!r} is too far from now "
                "to correct the device's clock by it; check the device's clock",
            ) from None
    if (original - now).total_seconds() > 86400:
        raise ApiError(
            400,
            _prefix(path, "originalTimestamp"),
            f"{call.originalTimestamp!r} "
            "lies more than a day in the future; check the device's clock",
        )
    return original


def to_identify(call: Identify, path: str = "", now: datetime | None = None) -> IdentifyIn:
    # the traits are applied as they arrive; a time given is still checked, as for a track call
    for name in ("timestamp", "originalTimestamp", "sentAt"):
        raw = getattr(call, name)
        if raw is not None:
            when(raw, now if name == "timestamp" else None, _prefix(path, name))
    traits = merged_traits(call)
    email_field = _email_field(call, path)
    ident, anon = identity(call, email_of(traits.get("email"), email_field), path, email_field)
    try:
        lead = lead_from_traits(ident, traits, path=_prefix(path, "traits"))
    except RowRejected as exc:
        raise ApiError(400, exc.error.field, exc.error.message) from None
    return IdentifyIn(lead, anon, f"{path}." if path else "", message_id=call.messageId)


def to_event(call: Track | Page, events: EventMap, now: datetime, path: str = "") -> EventIn:
    context = call.context or {}
    traits = merged_traits(call)
    email_field = _email_field(call, path)
    ident, _ = identity(call, email_of(traits.get("email"), email_field), path, email_field)
    props: dict[str, Any] = dict(call.properties or {})
    if isinstance(call, Page):
        kind = "page_view"
        if call.name and "name" not in props:
            props["name"] = call.name
    else:
        try:
            target = events.resolve(call.event)
        except UnknownEvent as exc:
            raise ApiError(400, _prefix(path, "event"), str(exc)) from None
        kind = target.type
        props = {**target.properties, **props}
    page = context.get("page")
    if (
        kind == "page_view"
        and "url" not in props
        and isinstance(page, dict)
        and isinstance(page.get("url"), str)
    ):
        props["url"] = page["url"]  # analytics.js puts the URL in the context
    return EventIn(ident, kind, occurred(call, now, path), props, message_id=call.messageId)


def batch_item(
    item: BatchItemModel,
    i: int,
    events: EventMap,
    now: datetime,
    *,
    context: dict[str, Any] | None,
    sent_at: str | None,
) -> IdentifyIn | EventIn | None:
    """Item `i` of a batch as a call (None for the ignored kinds), with the batch's context
    merged into its own and the batch's `sentAt` as its own when it has none, as Segment does."""
    if isinstance(item, Ignored):
        return None
    if context:
        item.context = {**context, **(item.context or {})}
    if sent_at and not isinstance(item, Identify) and item.sentAt is None:
        item.sentAt = sent_at
    path = f"batch[{i}]"
    return (
        to_identify(item, path, now)
        if isinstance(item, Identify)
        else to_event(item, events, now, path)
    )
