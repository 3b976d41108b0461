"""Segment-style traits mapped to lead fields and custom attributes.

Our own names (first_name, company_size, …) and Segment's reserved traits (firstName,
company.name, employees, …) both land in the standard fields; everything else is kept as a
custom attribute under the name it was sent with, so fit rules can test it.
"""

from __future__ import annotations

from typing import Any

from bot.ingest.records import (
    Identity,
    LeadIn,
    RowError,
    RowRejected,
    parse_company_size,
)

# trait name -> lead field; identity traits (email, userId) are handled by the caller
_ALIASES = {
    "first_name": "first_name",
    "firstname": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "title": "title",
    "job_title": "title",
    "jobtitle": "title",
    "industry": "industry",
    "country": "country",
    "source": "source",
    "company_size": "company_size",
    "companysize": "company_size",
    "employees": "company_size",
    "employee_count": "company_size",
}
_IDENTITY = {"email", "id", "userid", "user_id", "anonymousid", "external_id"}
_MAX_TEXT = 500


def _key(name: str) -> str:
    return name.replace("-", "_").casefold()


def lead_from_traits(identity: Identity, traits: dict[str, Any], *, path: str = "traits") -> LeadIn:
    """The lead a set of traits describes. Raises RowRejected naming the trait that is wrong."""
    fields: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for name, value in traits.items():
        key = _key(name)
        where = f"{path}.{name}"
        if key in _IDENTITY or value is None:
            continue
        if key == "company":
            _company(value, where, fields, attributes)
        elif key == "address" and isinstance(value, dict):
            if isinstance(value.get("country"), str) and value["country"].strip():
                fields.setdefault("country", value["country"].strip())
            attributes[name] = value
        elif key == "name":
            _name(value, where, fields)
        elif key in _ALIASES:
            target = _ALIASES[key]
            fields[target] = (
                _size(value, where) if target == "company_size" else _text(value, where)
            )
        else:
            attributes[name] = value
    return LeadIn(identity, fields, attributes)


def _text(value: Any, where: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RowRejected(
            RowError(0, where, f"expected text, got {type(value).__name__} {value!r}")
        )
    text = str(value).strip()
    if len(text) > _MAX_TEXT:
        raise RowRejected(RowError(0, where, f"is longer than {_MAX_TEXT} characters"))
    return text or None


def _size(value: Any, where: str) -> int | None:
    try:
        return parse_company_size(value, 0)
    except RowRejected as exc:  # the same message, but naming the trait as it was sent
        raise RowRejected(RowError(0, where, exc.error.message)) from None


def _company(value: Any, where: str, fields: dict[str, Any], attributes: dict[str, Any]) -> None:
    if not isinstance(value, dict):
        fields["company"] = _text(value, where)
        return
    # Segment's reserved company object: name, employee_count, industry, plan, id …
    for name, inner in value.items():
        key = _key(name)
        if inner is None:
            continue
        if key == "name":
            fields["company"] = _text(inner, f"{where}.{name}")
        elif key in ("employee_count", "employees", "size"):
            fields["company_size"] = _size(inner, f"{where}.{name}")
        elif key == "industry":
            fields.setdefault("industry", _text(inner, f"{where}.{name}"))
        else:
            attributes[f"company_{name}"] = inner


def _name(value: Any, where: str, fields: dict[str, Any]) -> None:
    text = _text(value, where)
    if not text:
        return
    first, _, last = text.partition(" ")
    fields.setdefault("first_name", first)
    if last:
        fields.setdefault("last_name", last.strip())
