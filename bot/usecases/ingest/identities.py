"""Find leads by e-mail or external id, creating the ones an event or import names first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.ingest.records import Identity
from storage.repositories import leads


def resolve(
    session: Session,
    identities: Iterable[Identity],
    *,
    create: bool,
    now: datetime,
    source: str | None = None,
) -> tuple[dict[str, int], int]:
    """Map identity keys to lead ids; with `create`, make minimal leads for unknown ones.

    Returns the map and how many leads were created.
    """
    idents = {i.key: i for i in identities}
    by_email = leads.lead_ids_by(session, "email", [i.email for i in idents.values() if i.email])
    by_ext = leads.lead_ids_by(
        session, "external_id", [i.external_id for i in idents.values() if i.external_id]
    )
    found: dict[str, int] = {}
    missing: list[Identity] = []
    for key, ident in idents.items():
        lead_id = (by_email.get(ident.email) if ident.email else None) or (
            by_ext.get(ident.external_id) if ident.external_id else None
        )
        if lead_id is not None:
            found[key] = lead_id
        else:
            missing.append(ident)
    if not create or not missing:
        return found, 0
    rows: list[dict[str, Any]] = [
        {
            "email": i.email,
            "external_id": i.external_id,
            "status": "lead",
            "status_since": now,
            "created_at": now,
            "updated_at": now,
            "attributes": {},
            "source": source,
        }
        for i in missing
    ]
    inserted = leads.insert_leads(session, rows)
    for lead_id, email, external_id in inserted:
        found[Identity(email, None if email else external_id).key] = lead_id
    return found, len(inserted)
