"""The triage part of the settings: the BANT gate a promote must pass, what a decision on
someone else's lead does, who may reassign, and what the handover shows and who answers it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bot.settings_values import SettingsError, text, texts
from scoring.qualification import QUESTIONS, REQUIRABLE, Gate

POLICIES = ("allow", "confirm", "refuse")
SECTIONS: dict[str, set[str]] = {
    "bant": {"required", "must_meet", "min_met"},
    "ownership": {"policy", "reassigners"},
    "handover": {"crm_url", "attributes", "aes", "ae_groups"},
}
CRM_FIELDS = ("crm_id", "lead_id", "email")  # the placeholders crm_url may use


@dataclass(frozen=True)
class Triage:
    gate: Gate = field(default_factory=Gate)
    # a decision on a lead someone else owns: "allow" it, "confirm" it in the modal, "refuse" it
    ownership: str = "confirm"
    reassigners: tuple[str, ...] = ()  # Slack user ids who may reassign any lead (and the owner)
    crm_url: str | None = None  # e.g. "https://crm.example.com/leads/{crm_id}"
    attributes: tuple[str, ...] = ()  # custom lead attributes the handover shows
    aes: tuple[str, ...] = ()  # who may accept or send back a handover; with ae_groups both
    ae_groups: tuple[str, ...] = ()  # empty: anyone who sees it but the SDR who handed it over


def triage_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    if not any(k.split(".", 1)[0] in SECTIONS for k in config):
        return {}
    return {
        "triage": Triage(
            gate=_gate(config),
            ownership=_policy(config.get("ownership.policy", "confirm")),
            reassigners=texts("ownership.reassigners", config.get("ownership.reassigners", [])),
            crm_url=_crm_url(config.get("handover.crm_url")),
            attributes=texts("handover.attributes", config.get("handover.attributes", [])),
            aes=texts("handover.aes", config.get("handover.aes", [])),
            ae_groups=texts("handover.ae_groups", config.get("handover.ae_groups", [])),
        )
    }


def _gate(config: Mapping[str, Any]) -> Gate:
    default = Gate()
    required = _names("bant.required", config.get("bant.required"), REQUIRABLE)
    must_meet = _names("bant.must_meet", config.get("bant.must_meet"), QUESTIONS)
    min_met = config.get("bant.min_met", default.min_met)
    if isinstance(min_met, bool) or not isinstance(min_met, int) or not 0 <= min_met <= 4:
        raise SettingsError(
            f"bant.min_met must be a whole number from 0 to 4 (how many of budget, authority, "
            f"need and timing must meet the bar), not {min_met!r}"
        )
    return Gate(
        default.required if required is None else required,
        default.must_meet if must_meet is None else must_meet,
        min_met,
    )


def _names(key: str, value: Any, allowed: tuple[str, ...]) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = texts(key, value)
    for name in names:
        if name not in allowed:
            raise SettingsError(f"{key}: {name!r} is not one of {', '.join(allowed)}")
    return names


def _policy(value: Any) -> str:
    if value not in POLICIES:
        raise SettingsError(
            f'ownership.policy must be "allow" (anyone may decide an owned lead), "confirm" '
            f'(they confirm taking it over) or "refuse" (only the owner decides), not {value!r}'
        )
    return str(value)


def _crm_url(value: Any) -> str | None:
    if value is None:
        return None
    url = text("handover.crm_url", value)
    try:
        url.format(**{name: "x" for name in CRM_FIELDS})
    except (KeyError, IndexError, ValueError) as exc:
        raise SettingsError(
            f"handover.crm_url may use only {', '.join('{' + n + '}' for n in CRM_FIELDS)} "
            f"as placeholders, not {url!r} ({exc})"
        ) from None
    if not url.startswith(("https://", "http://")):
        raise SettingsError(f"handover.crm_url must start with https://, not {url!r}")
    return url


def crm_link(url: str | None, *, crm_id: str | None, lead_id: int, email: str | None) -> str | None:
    """The lead's page in the CRM, when the template is set and the lead has a CRM id."""
    if not url or not crm_id:
        return None
    return url.format(crm_id=quote(crm_id, safe=""), lead_id=lead_id, email=quote(email or ""))
