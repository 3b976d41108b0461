"""The request bodies of the ingest API, in the shapes of the Segment spec.

Types are strict (a number where text belongs is an error naming the field, not a silent
conversion), and fields Segment sends that we do not use (integrations, sentAt, …) are ignored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr


def _id(value: Any) -> Any:
    # some tracking libraries send numeric ids; a union type would report two errors for one
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _amount(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number, e.g. 12500 or 12500.50")
    return float(value)


Id = Annotated[str, BeforeValidator(_id), Field(description="A string (numbers are accepted).")]
Amount = Annotated[float, BeforeValidator(_amount), Field(ge=0, le=1e15)]
Text200 = Annotated[StrictStr, Field(min_length=1, max_length=200)]


class _Call(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    userId: Id | None = Field(None, description="Your id of the person (our CRM id).")
    anonymousId: Id | None = Field(None, description="A device or cookie id, before identify.")
    timestamp: StrictStr | None = Field(
        None,
        description="ISO 8601; when it happened (default: when received).",
        examples=["2026-03-04T10:15:00Z"],
    )
    originalTimestamp: StrictStr | None = Field(
        None,
        description="The device's time of the call (RudderStack, Segment's libraries); "
        "used without `timestamp`, corrected by `sentAt` for the device clock's error.",
    )
    sentAt: StrictStr | None = Field(None, description="The device's time of sending.")
    messageId: Text200 | None = Field(None, description="A delivery id; repeats are ignored.")
    context: dict[str, Any] | None = Field(
        None,
        description="context.traits: the person's traits (top-level `traits` wins per field); "
        "context.page.url is a page's URL.",
    )
    traits: dict[str, Any] | None = Field(
        None, description="Lead fields and custom attributes (traits.email identifies)."
    )


class Identify(_Call):
    type: Literal["identify"] = "identify"


class Track(_Call):
    type: Literal["track"] = "track"
    event: Text200 = Field(
        description="The event name, mapped to an event type.", examples=["Webinar Attended"]
    )
    properties: dict[str, Any] | None = None


class Page(_Call):
    type: Literal["page"] = "page"
    name: StrictStr | None = None
    properties: dict[str, Any] | None = None


class Ignored(BaseModel):
    """Calls a lead score has no use for: acknowledged and dropped."""

    model_config = ConfigDict(extra="ignore")
    type: Literal["screen", "group", "alias"]


BatchItemModel = Identify | Track | Page | Ignored
BatchItem = Annotated[BatchItemModel, Field(discriminator="type")]


class Batch(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    # each call is checked on its own (bot/http/api/items.py), so that one bad call is named
    # and kept while the others are stored
    batch: list[Any] = Field(
        min_length=1,
        max_length=10_000,
        description="identify, track and page calls (screen, group and alias are ignored).",
    )
    context: dict[str, Any] | None = Field(None, description="Merged into each call's context.")
    sentAt: StrictStr | None = Field(None, description="The device's time of sending.")


class Outcome(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    email: StrictStr | None = Field(None, max_length=320)
    userId: Id | None = None
    stage: Literal["opportunity", "won", "lost"]
    amount: Amount | None = None
    timestamp: StrictStr | None = None
    messageId: Text200 | None = None


class Ack(BaseModel):
    success: Literal[True] = True


class FieldError(BaseModel):
    field: str
    message: str


class RejectedItem(BaseModel):
    index: int = Field(description="The call's place in the batch, from 0.")
    id: int = Field(description="Its id among the rejected calls (`sdrbot ingest rejected`).")
    errors: list[FieldError]


class BatchAck(BaseModel):
    success: Literal[True] = True
    accepted: int = Field(description="Calls stored (or known already, or ignored).")
    rejected: int = Field(description="Calls kept as rejected, to fix and replay.")
    rejections: list[RejectedItem] = Field(default_factory=list)


class ErrorBody(BaseModel):
    code: str = Field(examples=["invalid_request"], description="The kind of error.")
    message: str = Field(description="The first error as one line, for a log.")
    error: FieldError
    errors: list[FieldError]
