"""The facts fit rules test: a lead's standard fields and custom attributes, keyed by name.

Names are case-insensitive and a standard field wins over an attribute of the same name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scoring.conditions import is_empty

STANDARD_FIELDS = (
    "email",
    "external_id",
    "first_name",
    "last_name",
    "title",
    "company",
    "industry",
    "company_size",
    "country",
    "source",
)

_STANDARD = frozenset(STANDARD_FIELDS)


def lead_facts(
    standard: Mapping[str, Any],
    attributes: Mapping[str, Any] | None = None,
    fields: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The values fit rules can test, keyed case-insensitively; standard fields win.

    With `fields` (a model's `fit_fields`) only those are looked up: scoring a hundred thousand
    leads should not copy every attribute of every lead.
    """
    attrs = attributes or {}
    if fields is None:
        facts: dict[str, Any] = {}
        for key, value in attrs.items():
            facts[str(key).strip().casefold()] = value
            facts["attributes." + str(key).strip().casefold()] = value
        for key in STANDARD_FIELDS:
            if key in standard and not is_empty(standard[key]):
                facts[key] = standard[key]
        email = facts.get("email")
        if isinstance(email, str) and "@" in email:
            facts["email_domain"] = email.rsplit("@", 1)[1].lower()
        return facts
    facts = {}
    folded: dict[str, Any] | None = None
    for key in fields:
        if key in _STANDARD and not is_empty(value := standard[key]):
            facts[key] = value
        elif key == "email_domain":
            email = standard["email"]
            if isinstance(email, str) and "@" in email:
                facts[key] = email.rsplit("@", 1)[1].lower()
        elif attrs:
            if folded is None:
                folded = {str(k).strip().casefold(): v for k, v in attrs.items()}
            name = key[len("attributes.") :] if key.startswith("attributes.") else key
            if name in folded:
                facts[key] = folded[name]
    return facts
