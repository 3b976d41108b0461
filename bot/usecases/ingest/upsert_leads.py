"""Use case `upsert_leads`: create or update leads and rescore them (one transaction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.ingest.records import PROFILE_FIELDS, LeadIn, RowError
from bot.usecases.ingest.lead_work import settle_leads
from bot.usecases.lifecycle.scoring_pass import Ctx, SettleSummary
from storage.repositories import leads as leads_repo


@dataclass
class LeadBatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    settle: SettleSummary = field(default_factory=SettleSummary)


def upsert_leads(ctx: Ctx, leads: list[LeadIn]) -> LeadBatchResult:
    result = LeadBatchResult()
    if not leads:
        return result
    s = ctx.session
    by_email = leads_repo.lead_ids_by(
        s, "email", [x.identity.email for x in leads if x.identity.email]
    )
    by_ext = leads_repo.lead_ids_by(
        s, "external_id", [x.identity.external_id for x in leads if x.identity.external_id]
    )
    existing = leads_repo.lead_rows(s, set(by_email.values()) | set(by_ext.values()))
    current: dict[int, dict[str, Any]] = {i: dict(r._mapping) for i, r in existing.items()}
    pending_new: dict[str, dict[str, Any]] = {}  # identity key -> row, for repeats in the batch
    changed: set[int] = set()

    for item in leads:
        ident = item.identity
        a = by_email.get(ident.email) if ident.email else None
        b = by_ext.get(ident.external_id) if ident.external_id else None
        if a is not None and b is not None and a != b:
            result.errors.append(
                RowError(
                    item.line,
                    "email",
                    f"{ident.email} belongs to lead "
                    f"{a} but id {ident.external_id!r} to lead {b}; fix "
                    "one of them so the row names a single lead",
                )
            )
            continue
        lead_id = a if a is not None else b
        if lead_id is None:
            row = _pending_row(pending_new, item, ctx, result)
            _merge(row, item)
            continue
        row = current[lead_id]
        before = (dict(row), dict(row["attributes"] or {}))
        _merge(row, item)
        if (dict(row), dict(row["attributes"] or {})) != before:
            row["updated_at"] = ctx.now
            changed.add(lead_id)
            result.updated += 1
        else:
            result.unchanged += 1

    new_rows = list({id(r): r for r in pending_new.values()}.values())
    new_ids = [lead_id for lead_id, _, _ in leads_repo.insert_leads(s, new_rows)]
    if changed:
        cols = ["id", *bulk_fields(), "email", "external_id", "attributes", "updated_at"]
        leads_repo.update_leads(s, [{c: current[i][c] for c in cols} for i in changed])
    touched = list(changed) + new_ids
    if touched:
        result.settle = settle_leads(ctx, touched)
    return result


def _pending_row(
    pending: dict[str, dict[str, Any]], item: LeadIn, ctx: Ctx, result: LeadBatchResult
) -> dict[str, Any]:
    """The row of a lead this batch creates; a later item naming it again gets the same row."""
    ident = item.identity
    row = pending.get(ident.key) or (
        pending.get(f"x:{ident.external_id}") if ident.external_id else None
    )
    if row is not None:
        return row
    row = {
        "email": ident.email,
        "external_id": ident.external_id,
        "status": "lead",
        "status_since": ctx.now,
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "attributes": {},
        **{f: None for f in bulk_fields()},
    }
    pending[ident.key] = row
    if ident.external_id:
        pending[f"x:{ident.external_id}"] = row
    result.created += 1
    return row


def bulk_fields() -> tuple[str, ...]:
    return PROFILE_FIELDS


def _merge(row: dict[str, Any], item: LeadIn) -> None:
    """Cells that are filled win; empty cells never erase what is stored."""
    if item.identity.email and not row.get("email"):
        row["email"] = item.identity.email
    if item.identity.external_id and not row.get("external_id"):
        row["external_id"] = item.identity.external_id
    for key, value in item.fields.items():
        row[key] = value
    if item.attributes:
        row["attributes"] = {**(row.get("attributes") or {}), **item.attributes}
