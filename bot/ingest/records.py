"""What the doors (CSV, HTTP API) hand to the use cases: validated leads and events.

Parsing turns raw text into these or into a RowError that says what is wrong and how to fix it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from scoring.facts import STANDARD_FIELDS

STANDARD_LEAD_FIELDS = STANDARD_FIELDS
# what a row says about the person, beside the two fields that identify the lead
PROFILE_FIELDS = tuple(f for f in STANDARD_FIELDS if f not in ("email", "external_id"))

MAX_COMPANY_SIZE = 10_000_000  # the largest employers have about 2.5 million
MAX_EMAIL = 320  # RFC 5321's limit, and the column's
MAX_EXTERNAL_ID = 200  # the column's; anonymous visitors' ids carry a prefix within it
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_THOUSANDS = re.compile(r"^\d{1,3}([,_]\d{3})+$")
_INTEGER = re.compile(r"-?(0|[1-9]\d{0,14})")
_DECIMAL = re.compile(r"-?(0|[1-9]\d*)\.\d+")


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based line in the file, header included; 0 when there is no file
    field: str
    message: str

    def __str__(self) -> str:
        at = f"line {self.line}" if self.line else "record"
        return (
            f"{at}, field '{self.field}': {self.message}" if self.field else f"{at}: {self.message}"
        )


class RowRejected(ValueError):
    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class Identity:
    email: str | None = None
    external_id: str | None = None
    key: str = field(init=False, compare=False, repr=False)  # e-mail wins over the CRM id

    def __post_init__(self) -> None:
        key = f"e:{self.email}" if self.email else f"x:{self.external_id}"
        object.__setattr__(self, "key", key)


@dataclass
class LeadIn:
    identity: Identity
    fields: dict[str, Any]  # standard fields present in the input (never identity ones)
    attributes: dict[str, Any]
    line: int = 0


@dataclass
class EventIn:
    identity: Identity
    type: str
    occurred_at: datetime
    properties: dict[str, Any] = field(default_factory=dict)
    message_id: str | None = None
    line: int = 0
    _json: bytes | None = field(default=None, repr=False, compare=False)
    _key: int | None = field(default=None, repr=False, compare=False)

    def properties_json(self) -> bytes:
        """The properties as JSON with sorted keys (computed once: the key and the row use it)."""
        if self._json is None:
            self._json = orjson.dumps(self.properties, option=orjson.OPT_SORT_KEYS, default=str)
        return self._json

    def keep_properties_json(self) -> None:
        """Computes the properties' JSON now, into memory of its own size, for events kept by
        the hundred thousand: orjson hands out each result in a block of a kilobyte cut down to
        size, and a million of those fragment the C heap until every allocation of an import
        (parsing, folding) slows down by a third. A copy the size of the JSON costs less."""
        self._json = self.properties_json().decode().encode()

    def idempotency_key(self) -> int:
        """A 63-bit digest of the delivery id, or of the row itself when there is none.

        Without a delivery id the same row is the same event, so re-importing changes nothing.
        An integer keeps the unique index small: at a million events a text key costs more in
        index upkeep than the scoring does.
        """
        if self._key is not None:
            return self._key
        if self.message_id:
            body = b"m:" + self.message_id.encode()
        else:
            body = b"\x1f".join(
                (
                    b"h",
                    self.identity.key.encode(),
                    self.type.encode(),
                    self.occurred_at.isoformat().encode(),
                    self.properties_json(),
                )
            )
        digest = hashlib.blake2b(body, digest_size=8).digest()
        self._key = int.from_bytes(digest, "big") >> 1
        return self._key


def normalise_email(raw: str, line: int) -> str:
    email = raw.strip().lower()
    if len(email) > MAX_EMAIL:
        raise RowRejected(
            RowError(
                line,
                "email",
                f"is {len(email)} characters long; an e-mail address has at most {MAX_EMAIL}",
            )
        )
    if not _EMAIL.match(email):
        raise RowRejected(
            RowError(line, "email", f"{raw!r} is not an e-mail address (expected name@company.com)")
        )
    return email


def parse_identity(
    email: str | None, external_id: str | None, line: int, id_field: str = "id"
) -> Identity:
    email = (email or "").strip()
    external = (external_id or "").strip()
    if not email and not external:
        raise RowRejected(
            RowError(
                line,
                "email",
                f"the row has neither an e-mail nor an '{id_field}'; every row needs one of them",
            )
        )
    if len(external) > MAX_EXTERNAL_ID:
        raise RowRejected(
            RowError(
                line,
                id_field,
                f"is {len(external)} characters long; an id has at most {MAX_EXTERNAL_ID}",
            )
        )
    return Identity(normalise_email(email, line) if email else None, external or None)


def parse_timestamp(
    raw: str, line: int, field_name: str = "occurred_at", *, now: datetime | None = None
) -> datetime:
    text = raw.strip()
    if not text:
        raise RowRejected(
            RowError(
                line, field_name, "is empty; write the time in ISO 8601, e.g. 2026-03-04T10:15:00Z"
            )
        )
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RowRejected(
            RowError(
                line,
                field_name,
                f"{raw!r} is not an ISO 8601 date-time; "
                "write it like 2026-03-04T10:15:00Z (no zone means UTC)",
            )
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 lies before the first representable moment
        raise RowRejected(
            RowError(
                line, field_name, f"{raw!r} lies outside the years 1 to 9999 once converted to UTC"
            )
        ) from None
    if now is not None and (moment - now).total_seconds() > 86400:
        raise RowRejected(
            RowError(
                line,
                field_name,
                f"{raw!r} lies more than a day in the future; check the date and its time zone",
            )
        )
    return moment


def parse_company_size(raw: Any, line: int) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise RowRejected(
            RowError(line, "company_size", f"expected a number of employees, got {raw!r}")
        )
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip()
        if _THOUSANDS.match(text):  # 1,200 or 1_200; a comma elsewhere is a decimal comma
            text = text.replace(",", "").replace("_", "")
        try:
            value = float(text)
        except ValueError:
            hint = (
                " (a range such as '51-200' is not a number: give one, e.g. 120)"
                if re.match(r"^\d+\s*[-–]\s*\d+$", text)
                else ""
            )
            raise RowRejected(
                RowError(
                    line,
                    "company_size",
                    f"expected a number of employees such as 120, got {raw!r}{hint}",
                )
            ) from None
    if value < 0 or value != int(value) or value > MAX_COMPANY_SIZE:
        raise RowRejected(
            RowError(
                line,
                "company_size",
                f"expected a whole number of employees from 0 to {MAX_COMPANY_SIZE:,}, got {raw!r}",
            )
        )
    return int(value)


def typed_value(raw: str) -> Any:
    """Custom attributes and properties keep numbers as numbers; digits with a leading zero
    (a postcode such as 01067, a CRM number such as 00123) stay text, or the zeros are lost."""
    text = raw.strip()
    if not text or not (text[0].isdigit() or text[0] == "-"):
        return text
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    return text


def normalise_event_type(raw: str, line: int) -> str:
    kind = re.sub(r"[\s\-]+", "_", raw.strip()).lower()
    if not kind:
        raise RowRejected(RowError(line, "type", "is empty; name the event type, e.g. page_view"))
    if len(kind) > 100:
        raise RowRejected(RowError(line, "type", "is longer than 100 characters"))
    return kind
