"""What one lead teaches: its label, the weight of that label, and who gave it.

The latest SDR decision is the base (promote yes; disqualify no; recycle, "not sales-ready now",
a no of `recycle_weight`). An account executive's answer to the handover of that very decision
outranks it: a send-back is a no of `sent_back_weight` (the SDR said yes, sales said no), an
accept confirms the yes. A CRM outcome outranks both (won and opportunity yes, lost no): it is
what happened, not what someone thought would.
"""

from __future__ import annotations

from dataclasses import dataclass

CRM = {"crm_won": True, "crm_opportunity": True, "crm_lost": False}
SENT_BACK, ACCEPTED = "sent_back", "accepted"
SDR, AE, FROM_CRM = "sdr", "ae", "crm"


@dataclass(frozen=True)
class Label:
    positive: bool
    weight: float
    source: str  # "sdr" | "ae" | "crm"


def label_of(
    decision: str | None,
    answer: str | None,
    crm: str | None,
    *,
    recycle_weight: float = 1.0,
    sent_back_weight: float = 1.0,
) -> Label | None:
    """`answer` is the AE's answer to the handover of `decision` (only a promote has one);
    None when the lead has no label at all."""
    if crm is not None:
        return Label(CRM[crm], 1.0, FROM_CRM)
    if decision is None:
        return None
    if decision == "promote" and answer == SENT_BACK:
        return Label(False, sent_back_weight, AE)
    if decision == "promote" and answer == ACCEPTED:
        return Label(True, 1.0, AE)
    if decision == "recycle":
        return Label(False, recycle_weight, SDR)
    return Label(decision == "promote", 1.0, SDR)
