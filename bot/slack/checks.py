"""A decision modal's submission checked on the server, as Slack's `response_action: errors`:
the BANT gate of the team (scoring.qualification) and the configured reasons. Slack's own
checks (a required select) can be skipped by a forged request; these cannot."""

from __future__ import annotations

from collections.abc import Sequence

from bot.slack.blocks.modals import Promotion, bant_label, reasons_offered
from bot.words import say
from scoring.qualification import ANSWERS, MET, MISSING, NOT_MET, PAIN_POINTS, Gate, problems


def promote_errors(form: Promotion, gate: Gate, locale: str) -> dict[str, str]:
    """What keeps the answers from passing the team's gate, by the modal's block ids."""
    out: dict[str, str] = {}
    for name, problem in problems(form.answers, form.pain_points, gate).items():
        if name == PAIN_POINTS:
            out[name] = say(locale, "bant.error.missing_pain_points")
        elif problem == MISSING:
            out[name] = say(locale, "bant.error.missing")
        elif problem == NOT_MET:
            bar = ", ".join(bant_label(locale, name, v) for v in ANSWERS[name] if v in MET[name])
            out[name] = say(locale, "bant.error.not_met", bar=bar)
        else:
            out[name] = say(locale, "bant.error.too_few", count=gate.min_met)
    return out


def reason_errors(reason: str | None, reasons: Sequence[str], locale: str) -> dict[str, str]:
    """A reason not offered by the configured list (or none at all) is refused."""
    allowed = {value for value, _ in reasons_offered(reasons, locale)}
    if reason in allowed:
        return {}
    shown = (reason or "")[:60]
    return {"reason": say(locale, "modals.reason.refused", reason=shown)}
