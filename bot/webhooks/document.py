"""The JSON document a webhook receives (pure: a queued delivery and rows in, a dict out).

    {"id": "tr_42_mql_1763...", "type": "lead.mql", "created_at": "...",
     "data": {"lead": {...}, "transition": {...}, "score": {...}}}

`id` names the transition and stays the same on every retry: a receiver that sees an id twice
(after a timeout on our side, say) can drop the copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.outbox.messages import WebhookDelivery

LEAD_FIELDS = (
    "id",
    "external_id",
    "email",
    "first_name",
    "last_name",
    "title",
    "company",
    "industry",
    "company_size",
    "country",
    "source",
    "status",
    "owner",
)


def transition_document(
    delivery: WebhookDelivery,
    *,
    lead: Mapping[str, Any] | None,
    score: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The document for one queued delivery; `lead` and `score` as they are now (None when
    the lead is gone or has no score)."""
    transition = dict(delivery.transition)
    details = transition.get("details") or {}
    data: dict[str, Any] = {"lead": _lead(lead, delivery.lead_id), "transition": transition}
    if "score" in details:
        # the score the transition was decided on; its breakdown says why
        data["score"] = {
            "score": details["score"],
            "grade": details.get("grade"),
            "model_version": details.get("model_version"),
            "breakdown": delivery.breakdown,
        }
    if score is not None:
        data["current_score"] = {
            "score": score["score"],
            "fit": score["fit"],
            "engagement": score["engagement"],
            "grade": f"{score['fit_grade']}{score['engagement_level']}",
            "computed_at": _iso(score["computed_at"]),
            "breakdown": score["breakdown"],
        }
    return {
        "id": delivery.id,
        "type": f"lead.{transition['to']}",
        "created_at": transition["at"],
        "data": data,
    }


def ping_document(webhook_id: int, now: datetime) -> dict[str, Any]:
    """What `sdrbot webhook test` sends: the receiver can check its signature check."""
    stamp = int(now.timestamp() * 1_000_000)
    return {
        "id": f"ping_{webhook_id}_{stamp}",
        "type": "ping",
        "created_at": now.isoformat(),
        "data": {"webhook_id": webhook_id},
    }


def _lead(lead: Mapping[str, Any] | None, lead_id: int | None) -> dict[str, Any]:
    if lead is None:
        return {"id": lead_id}
    out = {name: lead.get(name) for name in LEAD_FIELDS}
    out["attributes"] = dict(lead.get("attributes") or {})
    return out


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
