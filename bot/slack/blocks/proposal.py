"""The recalibration proposal as Block Kit (pure): its evidence, its outcome once decided (the
buttons then go), the reject modal, the thread notes and the summary of many new MQLs. Every
word comes from templates/<locale>/words/proposal.toml."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.mrkdwn import escape
from bot.slack.blocks.limits import check_message
from bot.words import say

ACTION_APPROVE = "model_approve"
ACTION_REJECT = "model_reject"
REJECT_CALLBACK = "model_reject_submit"
REASON = "reason"
MAX_LINES = 30  # rule lines shown; a section holds 3,000 characters
SECTION = 2900


@dataclass(frozen=True)
class ProposalView:
    id: int
    status: str
    evidence: Mapping[str, Any]
    decided_by: str | None = None
    reason: str | None = None
    approved_version: int | None = None


def who(actor: str | None) -> str:
    """A Slack actor as a mention, anyone else by name."""
    if actor and actor.startswith("slack:"):
        return f"<@{actor.removeprefix('slack:')}>"
    return escape(actor or "?")


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def _rates(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "with_n": r["with_n"],
        "with_rate": _pct(r["with_rate"] if r["with_n"] else None),
        "without_n": r["without_n"],
        "without_rate": _pct(r["without_rate"] if r["without_n"] else None),
    }


def _section(text: str) -> dict[str, Any]:
    cut = text if len(text) <= SECTION else text[: SECTION - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut}}


def _label(rule: Mapping[str, Any], locale: str) -> str:
    """The rule's label in `locale`; a proposal stored before rules had labels by language, or
    a rule without one in it, shows its `label`."""
    return str((rule.get("labels") or {}).get(locale) or rule["label"])


def _lines(locale: str, ev: Mapping[str, Any]) -> list[str]:
    changed = [r for r in ev["rules"] if r["old"] != r["new"]][:MAX_LINES]
    out = [say(locale, "proposal.rules_title")]
    out += [
        say(
            locale,
            "proposal.rule_line",
            label=_label(r, locale),
            old=r["old"],
            new=r["new"],
            **_rates(r),
        )
        for r in changed
    ] or [say(locale, "proposal.no_changes")]
    if ev["new_rules"]:
        out.append(say(locale, "proposal.new_rules_title"))
        out += [
            say(
                locale,
                "proposal.new_rule_line",
                label=_label(r, locale),
                points=r["points"],
                **_rates(r),
            )
            for r in ev["new_rules"][:MAX_LINES]
        ]
    return out


def _backtest(locale: str, bt: Mapping[str, Any]) -> str:
    before, after = bt.get("before"), bt.get("after")
    if not before or not after:
        return say(locale, "proposal.backtest_none", why=bt.get("skipped") or "")

    def auc(q: Mapping[str, Any]) -> str:
        return f"{q['auc']:.2f}" if q.get("auc") is not None else say(locale, "proposal.no_auc")

    return say(
        locale,
        "proposal.backtest",
        test=bt["test"],
        train=bt["train"],
        before_p=_pct(before["precision"]),
        after_p=_pct(after["precision"]),
        before_r=_pct(before["recall"]),
        after_r=_pct(after["recall"]),
        before_auc=auc(before),
        after_auc=auc(after),
    )


def _minimums(locale: str, th: Mapping[str, Any]) -> str:
    fit, eng = th.get("min_fit", [0, 0]), th.get("min_engagement", [0, 0])
    if fit[0] == fit[1] and eng[0] == eng[1]:
        return ""
    return "\n" + say(
        locale,
        "proposal.minimums",
        fit_old=f"{fit[0]:g}",
        fit_new=f"{fit[1]:g}",
        eng_old=f"{eng[0]:g}",
        eng_new=f"{eng[1]:g}",
    )


def outcome_line(locale: str, view: ProposalView) -> str | None:
    if view.status == "approved":
        return say(
            locale, "proposal.approved", by=who(view.decided_by), version=view.approved_version
        )
    if view.status == "rejected":
        return say(locale, "proposal.rejected", by=who(view.decided_by), reason=view.reason or "")
    if view.status == "superseded":
        return say(locale, "proposal.superseded")
    return None


def _evidence_blocks(view: ProposalView, locale: str) -> list[dict[str, Any]]:
    ev, th = view.evidence, view.evidence["threshold"]
    return [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": say(locale, "proposal.header", id=view.id)},
        },
        _section(
            say(
                locale,
                "proposal.intro",
                **{k: ev[k] for k in ("decisions", "positives", "negatives", "from_crm")},
                from_ae=ev.get("from_ae", 0),
                from_exploration=ev.get("from_exploration", 0),
            )
        ),
        _section("\n".join(_lines(locale, ev))),
        _section(
            say(
                locale,
                "proposal.threshold",
                old=th["old"],
                new=th["new"],
                rate=_pct(th["expected_rate"]),
                target=_pct(th["target"]),
            )
            + _minimums(locale, th)
            + "\n"
            + _backtest(locale, ev["backtest"])
            + "\n"
            + say(
                locale,
                "proposal.change",
                become=ev["change"]["become_mql"],
                looked_at=ev["change"]["looked_at"],
            )
        ),
    ]


def proposal_message(view: ProposalView, locale: str) -> dict[str, Any]:
    ev, th = view.evidence, view.evidence["threshold"]
    blocks = _evidence_blocks(view, locale)
    outcome = outcome_line(locale, view)
    if outcome is not None:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": outcome}]})
    else:
        blocks.append(
            {
                "type": "actions",
                "block_id": "proposal_actions",
                "elements": [
                    _button(locale, ACTION_APPROVE, "approve", view.id, "primary"),
                    _button(locale, ACTION_REJECT, "reject", view.id, "danger"),
                ],
            }
        )
    changed = sum(1 for r in ev["rules"] if r["old"] != r["new"])
    text = say(
        locale,
        "proposal.fallback",
        id=view.id,
        old=th["old"],
        new=th["new"],
        changed=changed,
        added=len(ev["new_rules"]),
    )
    message = {"text": text, "blocks": blocks}
    check_message(message)
    return message


def _button(locale: str, action: str, word: str, pid: int, style: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action,
        "text": {"type": "plain_text", "text": say(locale, f"proposal.{word}")},
        "value": str(pid),
        "style": style,
    }


def note_text(locale: str, status: str, facts: Mapping[str, Any]) -> str:
    values = {**facts, "by": who(str(facts.get("by")))}
    return say(locale, f"proposal.note_{status}", **values)


def summary_text(locale: str, count: int, names: Sequence[str]) -> str:
    return say(
        locale,
        "proposal.summary",
        count=count,
        names=", ".join(names),
        more=max(0, count - len(names)),
    )


def reject_modal(locale: str, proposal_id: int) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": REJECT_CALLBACK,
        "private_metadata": str(proposal_id),
        "title": {"type": "plain_text", "text": say(locale, "proposal.modal_title")},
        "submit": {"type": "plain_text", "text": say(locale, "proposal.modal_submit")},
        "close": {"type": "plain_text", "text": say(locale, "proposal.modal_cancel")},
        "blocks": [
            {
                "type": "input",
                "block_id": REASON,
                "label": {"type": "plain_text", "text": say(locale, "proposal.modal_reason")},
                "hint": {"type": "plain_text", "text": say(locale, "proposal.modal_hint")},
                "element": {
                    "type": "plain_text_input",
                    "action_id": REASON,
                    "multiline": True,
                    "max_length": 500,
                },
            }
        ],
    }


def read_reason(view: Mapping[str, Any]) -> tuple[int, str]:
    value = view["state"]["values"][REASON][REASON].get("value") or ""
    return int(view["private_metadata"]), str(value).strip()
