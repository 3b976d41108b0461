"""Event names as tracking tools send them ("Webinar Attended") mapped to our event types.

A name maps to a type and, optionally, fixed properties (a "Whitepaper Downloaded" is a
`content_download` with `asset_type = whitepaper`), so the default model's rules match events
from Segment or RudderStack without the sender changing anything. Operators extend or override
the table in the TOML config ([ingest.event_map]).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from scoring.model import CANONICAL_EVENT_TYPES

CANONICAL_TYPES = frozenset(CANONICAL_EVENT_TYPES)
UNKNOWN_POLICIES = ("keep", "reject")


@dataclass(frozen=True)
class Target:
    type: str
    properties: Mapping[str, Any] = field(default_factory=dict)


def _t(kind: str, **props: Any) -> Target:
    return Target(kind, MappingProxyType(props))


DEFAULT_MAP: Mapping[str, Target] = MappingProxyType(
    {
        "Page Viewed": _t("page_view"),
        "Viewed Page": _t("page_view"),
        "Loaded a Page": _t("page_view"),
        "Page View": _t("page_view"),
        "Webinar Registered": _t("webinar_registered"),
        "Webinar Attended": _t("webinar_attended"),
        "Email Opened": _t("email_open"),
        "Email Link Clicked": _t("email_click"),
        "Email Clicked": _t("email_click"),
        "Newsletter Opened": _t("newsletter_open"),
        "Unsubscribed": _t("unsubscribe"),
        "Form Submitted": _t("form_submit"),
        "Demo Requested": _t("demo_request"),
        "Pricing Requested": _t("pricing_request"),
        "Contact Requested": _t("contact_request"),
        "Contact Form Submitted": _t("contact_request"),
        "Chat With Sales Started": _t("chat_with_sales"),
        "Content Downloaded": _t("content_download"),
        "File Downloaded": _t("content_download"),
        "Whitepaper Downloaded": _t("content_download", asset_type="whitepaper"),
        "Ebook Downloaded": _t("content_download", asset_type="ebook"),
        "Case Study Downloaded": _t("content_download", asset_type="case_study"),
        "Pricing Sheet Downloaded": _t("content_download", asset_type="pricing_sheet"),
    }
)


class EventMapError(ValueError):
    pass


class UnknownEvent(LookupError):
    pass


def _fold(name: str) -> str:
    # "Page Viewed", "page viewed" and "Page  Viewed" are the same name to a person
    return re.sub(r"\s+", " ", name.strip()).casefold()


MAX_TYPE = 100  # the event table's type column


def _slug(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip()).lower()


@dataclass(frozen=True)
class EventMap:
    table: Mapping[str, Target] = field(default_factory=lambda: DEFAULT_MAP)
    unknown: str = "keep"  # keep unknown names as custom events, or reject them
    _folded: dict[str, Target] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_folded", {_fold(k): v for k, v in self.table.items()})

    def resolve(self, name: str) -> Target:
        """The target of an event name; raises UnknownEvent when the policy says reject."""
        hit = self._folded.get(_fold(name))
        if hit is not None:
            return hit
        slug = _slug(name)
        if not slug:
            raise UnknownEvent(
                'the event name is blank; name what happened, e.g. "Webinar Attended"'
            )
        if len(slug) > MAX_TYPE:
            raise UnknownEvent(
                f"an event type has at most {MAX_TYPE} characters; map this "
                "long name to a shorter type in [ingest.event_map]"
            )
        if slug in CANONICAL_TYPES or self.unknown == "keep":
            return Target(slug)
        raise UnknownEvent(
            f"unknown event {name!r}: map it in [ingest.event_map] of the config, "
            f"or send one of the mapped names ({', '.join(sorted(self.table))}) "
            f"or a canonical type ({', '.join(sorted(CANONICAL_TYPES))})"
        )

    @classmethod
    def from_config(cls, table: Any, unknown: Any) -> EventMap:
        """The default table with the config's entries added over it."""
        if unknown is None:
            unknown = "keep"
        if unknown not in UNKNOWN_POLICIES:
            raise EventMapError(
                f"ingest.unknown_events must be one of {UNKNOWN_POLICIES}, not {unknown!r}"
            )
        merged = dict(DEFAULT_MAP)
        if table is not None:
            if not isinstance(table, dict):
                raise EventMapError("ingest.event_map must be a table of name = type")
            for name, value in table.items():
                merged[name] = _target(name, value)
        return cls(MappingProxyType(merged), unknown)


def _target(name: str, value: Any) -> Target:
    where = f"ingest.event_map.{name!r}"
    if isinstance(value, str):
        kind, props = value, {}
    elif isinstance(value, dict) and set(value) <= {"type", "properties"} and "type" in value:
        kind, props = value["type"], value.get("properties", {})
        if not isinstance(props, dict):
            raise EventMapError(f"{where}.properties must be a table, not {props!r}")
    else:
        raise EventMapError(
            f'{where} must be an event type such as "webinar_attended" or '
            f'{{ type = "content_download", properties = {{ asset_type = '
            f'"ebook" }} }}, not {value!r}'
        )
    if not isinstance(kind, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,99}", kind):
        raise EventMapError(
            f"{where}: {kind!r} is not an event type (lower case letters, "
            "digits and _, e.g. webinar_attended)"
        )
    return Target(kind, MappingProxyType(dict(props)))
