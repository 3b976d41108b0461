"""Every Block Kit builder, with ordinary and with hostile data, against both limit checkers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.slack.blocks import (
    AlertView,
    DecisionView,
    LeadMatch,
    StatusChange,
    alert_message,
    handover_message,
    lead_card,
    message_problems,
    pick_list,
    promote_modal,
    read_promote,
    read_reason,
    reason_modal,
    reasons_from_breakdown,
    thread_note,
    view_problems,
)
from bot.slack.blocks.handover_view import EarlierDecision, HandoverView
from bot.slack.blocks.modals import Promotion
from scoring.engine import BreakdownLine
from tests.fakeslack import blockkit as fake_blockkit

NOW = datetime(2025, 3, 3, 9, 15, tzinfo=UTC)
SDR, AE = "U0SDRANNA1", "U0AEBEN001"
HOSTILE = "*_~`<!channel> <@U123> <http://x|y> & @here >"
ALLOWED_CONSTRUCTS = re.compile(
    rf"<@(?:{SDR}|{AE})>|<!date\^\d+\^[^|<>]+\|[^<>]*>|<https://fake\.slack\.com/[^|<>]+\|[^<>]*>"
)
NOT_SHOWN = {
    "action_id",
    "block_id",
    "callback_id",
    "private_metadata",
    "value",
    "url",
    "type",
    "style",
    "event_type",
}


def hostile(length: int) -> str:
    return (HOSTILE * (length // len(HOSTILE) + 1))[:length]


def ordinary_view(**changes: Any) -> AlertView:
    fields: dict[str, Any] = dict(
        lead_id=42,
        name="Dana Example",
        email="dana_ex@example.com",
        title="VP Sales",
        company="Acme & Sons",
        score=87,
        fit=42,
        engagement=45,
        fit_grade="A",
        engagement_level=1,
        reasons=[
            ("Pricing page visits", 30, "3× page_view in 7 days"),
            ("Competitor domain", -5, "email_domain: rival.com"),
            ("Webinar attended", 22.4, "1× webinar, decayed from 30"),
            ("Industry: software", 15, "industry: Software"),
            ("Company size 200–999", 10, "company_size: 450"),
            ("Newsletter opens", 3, "4× email_open"),
        ],
        timeline=[(NOW - timedelta(hours=h), "page_view", f"/pricing?v={h}") for h in range(8)],
        fast_track=None,
        re_mql=False,
        owner_slack_id=None,
        status="mql",
        decision=None,
    )
    fields.update(changes)
    return AlertView(**fields)


def hostile_view(**changes: Any) -> AlertView:
    fields: dict[str, Any] = dict(
        lead_id=987654321,
        name=hostile(200),
        email=hostile(200),
        title=hostile(300),
        company=hostile(300),
        score=-12.5,
        fit=-40.4,
        engagement=27.9,
        fit_grade=hostile(3),
        engagement_level=4,
        reasons=[(hostile(200), (-1) ** i * (i + 0.4), hostile(300)) for i in range(50)],
        timeline=[(NOW - timedelta(minutes=i), hostile(80), hostile(3000)) for i in range(100)],
        fast_track=hostile(120),
        re_mql=True,
        owner_slack_id=None,
        status=hostile(50),
    )
    fields.update(changes)
    return AlertView(**fields)


def decision(**changes: Any) -> DecisionView:
    fields: dict[str, Any] = dict(
        outcome="promote", decided_by=SDR, decided_at=NOW, reason=hostile(400), notes=hostile(3000)
    )
    fields.update(changes)
    return DecisionView(**fields)


def shown(node: Any, plain: bool = False) -> Iterator[tuple[str, bool]]:
    """Every string Slack would display or parse, and whether it is plain_text (unformatted)."""
    if isinstance(node, dict):
        plain = node.get("type") == "plain_text"
        for k, v in node.items():
            if k not in NOT_SHOWN:
                yield from shown(v, plain)
    elif isinstance(node, list):
        for item in node:
            yield from shown(item, plain)
    elif isinstance(node, str):
        yield node, plain


def shown_strings(node: Any) -> Iterator[str]:
    return (text for text, _ in shown(node))


def assert_nothing_leaks(payload: Any) -> None:
    for text, plain in shown(payload):
        rest = ALLOWED_CONSTRUCTS.sub("", text)
        assert "<" not in rest and ">" not in rest, text
        assert "@here" not in rest, text
        if not plain:  # formatting characters only format in mrkdwn
            assert "*_~`" not in rest, text


def assert_good_message(payload: dict[str, Any]) -> None:
    assert message_problems(payload) == []
    assert fake_blockkit.check_blocks(payload["blocks"], "message") == []
    assert payload["text"].strip()
    assert_nothing_leaks(payload)


def assert_good_view(view: dict[str, Any]) -> None:
    assert view_problems(view) == []
    assert fake_blockkit.check_view(view) == []
    assert_nothing_leaks(view)


def block_types(payload: dict[str, Any]) -> list[str]:
    return [b["type"] for b in payload["blocks"]]


def buttons(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [el for b in payload["blocks"] if b["type"] == "actions" for el in b["elements"]]


def all_text(payload: dict[str, Any]) -> str:
    return "\n".join(shown_strings(payload))


# the alert -----------------------------------------------------------------------------------

VIEWS = {
    "ordinary": ordinary_view(),
    "hostile": hostile_view(),
    "hostile claimed": hostile_view(owner_slack_id=SDR),
    "hostile owner id": hostile_view(owner_slack_id=hostile(40)),
    "hostile decided": hostile_view(decision=decision()),
    "hostile decider id": hostile_view(
        decision=decision(decided_by=hostile(30), outcome=hostile(60))
    ),
    "empty": ordinary_view(name="", title=None, company=None, reasons=[], timeline=[]),
}


@pytest.mark.parametrize("name", VIEWS)
def test_alert_passes_limits_and_escapes(name: str) -> None:
    assert_good_message(alert_message(VIEWS[name]))


def test_open_alert_has_the_five_buttons() -> None:
    payload = alert_message(ordinary_view())
    found = buttons(payload)
    assert [(b["action_id"], b["value"]) for b in found] == [
        ("lead_claim", "42"),
        ("lead_promote", "42"),
        ("lead_recycle", "42"),
        ("lead_disqualify", "42"),
        ("lead_reassign", "42"),
    ]
    assert [b["text"]["text"] for b in found] == [
        "Claim",
        "Promote to SQL",
        "Recycle",
        "Disqualify",
        "Reassign",
    ]
    assert found[1]["style"] == "primary"
    assert found[3]["style"] == "danger" and found[3]["confirm"]["style"] == "danger"
    assert payload["metadata"] == {
        "event_type": "sdrbot_mql_alert",
        "event_payload": {"lead_id": 42},
    }
    assert [b["value"] for b in buttons(alert_message(hostile_view()))] == ["987654321"] * 5


def test_alert_content() -> None:
    view = ordinary_view(
        fast_track="demo_request", hand_raise_at=NOW - timedelta(hours=2), re_mql=True
    )
    payload = alert_message(view, now=NOW)
    text = all_text(payload)
    assert payload["blocks"][0] == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "Demo requested 2 h ago · Dana Example",
            "emoji": True,
        },
    }
    for expected in (
        "VP Sales",
        "Acme &amp; Sons",
        "87 · A1",
        "dana_ex@example.com",
        "*+30* Pricing page visits",
        "*-5* Competitor domain",
        "*+22.4* Webinar",
        "… and 1 more",
        "⚡ *Demo requested* 2 h ago",
        "↻ *Re-MQL*",
        "Page view /pricing?v=1",
        "Grade A1: fit A",
        "Unassigned",
        "… and 3 earlier",
    ):
        assert expected in text
    assert "Newsletter opens" not in text  # the sixth reason is beyond the top five
    assert text.count("/pricing?v=") == 5
    assert payload["text"].startswith(
        "Re-MQL, Demo requested 2 h ago: Dana Example (VP Sales, Acme &amp; Sons)"
    )
    first = alert_message(replace(view, re_mql=False), now=NOW)["text"]
    assert first.startswith("Demo requested 2 h ago: Dana Example")
    assert "demo_request" not in text and "Page view /pricing" in text


def test_claimed_alert_shows_owner_and_no_claim_button() -> None:
    payload = alert_message(ordinary_view(owner_slack_id=SDR))
    assert [b["action_id"] for b in buttons(payload)] == [
        "lead_promote",
        "lead_recycle",
        "lead_disqualify",
        "lead_reassign",
    ]
    assert f"*Owner*\n<@{SDR}>" in all_text(payload)


@pytest.mark.parametrize(
    ("outcome", "label"),
    [("promote", "Promoted to SQL"), ("recycle", "Recycled"), ("disqualify", "Disqualified")],
)
def test_decided_alert_has_no_buttons(outcome: str, label: str) -> None:
    view = ordinary_view(
        owner_slack_id=SDR,
        status="sql",
        decision=decision(outcome=outcome, reason="Budget confirmed", notes="Call on Monday"),
    )
    payload = alert_message(view)
    assert "actions" not in block_types(payload)
    text = all_text(payload)
    assert f"*{label}* by <@{SDR}> · <!date^{int(NOW.timestamp())}^" in text
    assert "*Reason:* Budget confirmed" in text and "*Notes:* Call on Monday" in text
    assert payload["text"].startswith(f"{label}: Dana Example")
    assert "<@" not in payload["text"]  # the fallback notifies; it mentions no one


def test_a_malformed_decider_id_is_shown_not_parsed() -> None:
    payload = alert_message(ordinary_view(decision=decision(decided_by="<!channel>")))
    assert "by &lt;!channel&gt;" in all_text(payload)


# /lead ---------------------------------------------------------------------------------------

HISTORY = [StatusChange(NOW - timedelta(days=d), "lead", "mql", hostile(100)) for d in range(30)]


@pytest.mark.parametrize("name", VIEWS)
def test_lead_card_passes_limits(name: str) -> None:
    assert_good_message(lead_card(VIEWS[name], HISTORY))


def test_lead_card_shows_the_whole_breakdown() -> None:
    text = all_text(
        lead_card(ordinary_view(owner_slack_id=SDR), [StatusChange(NOW, "lead", "mql", "score")])
    )
    assert "fit 42 + engagement 45 = 87" in text
    assert "Newsletter opens" in text and "*Status*\nMarketing-qualified (MQL)" in text
    assert "Lead → Marketing-qualified (MQL): its score reached the MQL threshold" in text
    assert f"<@{SDR}>" in text
    hostile_card = lead_card(hostile_view(), HISTORY)
    sections = [
        b for b in hostile_card["blocks"] if "Score breakdown" in b.get("text", {}).get("text", "")
    ]
    assert 1 < len(sections) <= 4
    assert "smaller lines" in sections[-1]["text"]["text"]


def test_pick_list() -> None:
    matches = [
        LeadMatch(i, hostile(200), hostile(200), hostile(200), 50 + i, "B2", "mql")
        for i in range(25)
    ]
    payload = pick_list(matches, query=hostile(300))
    assert_good_message(payload)
    picks = [b["accessory"] for b in payload["blocks"] if "accessory" in b]
    assert [(p["action_id"], p["value"]) for p in picks] == [
        (f"lead_pick_{i}", str(i)) for i in range(10)
    ]
    assert "25 leads match" in all_text(payload) and "15 more not shown" in all_text(payload)
    counted = pick_list(matches[:10], query="x", total=31)
    assert "31 leads match" in all_text(counted) and "21 more not shown" in all_text(counted)
    empty = pick_list([], query="nobody")
    assert_good_message(empty)
    assert "No lead matches *nobody*" in empty["text"]


# modals --------------------------------------------------------------------------------------


def state(**values: dict[str, Any]) -> dict[str, Any]:
    return {"private_metadata": "42", "state": {"values": {k: {k: v} for k, v in values.items()}}}


@pytest.mark.parametrize("name", ["Dana Example", hostile(200), ""])
def test_promote_modal(name: str) -> None:
    view = promote_modal(42, name)
    assert_good_view(view)
    assert view["callback_id"] == "promote_submit" and view["private_metadata"] == "42"
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert inputs == ["budget", "authority", "need", "timing", "pain_points", "ae", "notes"]
    selects = [b for b in view["blocks"] if b["type"] == "input" and "options" in b["element"]]
    assert all(b["element"]["options"][-1]["value"] == "unknown" for b in selects)
    assert all(
        b["element"]["action_id"] == b["block_id"] for b in view["blocks"] if b["type"] == "input"
    )


def test_read_promote() -> None:
    answers = read_promote(
        state(
            budget={"type": "static_select", "selected_option": {"value": "confirmed"}},
            authority={"type": "static_select", "selected_option": {"value": "influencer"}},
            need={"type": "static_select", "selected_option": {"value": "urgent"}},
            timing={"type": "static_select", "selected_option": {"value": "quarter"}},
            ae={"type": "users_select", "selected_user": AE},
            pain_points={"type": "plain_text_input", "value": "Uses spreadsheets today"},
            notes={"type": "plain_text_input", "value": "  "},
        )
    )
    assert answers == Promotion(
        {"budget": "confirmed", "authority": "influencer", "need": "urgent", "timing": "quarter"},
        "Uses spreadsheets today",
        None,
        AE,
    )
    empty = read_promote(
        state(
            ae={"type": "users_select", "selected_user": None},
            notes={"type": "plain_text_input", "value": None},
        )
    )
    assert empty.ae_slack_id is None and empty.notes is None
    assert empty.answers == dict.fromkeys(("budget", "authority", "need", "timing"))


@pytest.mark.parametrize("kind", ["recycle", "disqualify"])
def test_reason_modal(kind: str) -> None:
    view = reason_modal(kind, 42, "Dana", ["No budget", "Wrong ICP", "Competitor"])
    assert_good_view(view)
    assert view["callback_id"] == f"{kind}_submit" and view["private_metadata"] == "42"
    select = next(b for b in view["blocks"] if b.get("block_id") == "reason")["element"]
    assert [o["value"] for o in select["options"]] == ["No budget", "Wrong ICP", "Competitor"]

    many = reason_modal(kind, 42, hostile(200), [hostile(i % 190 + 10) for i in range(150)])
    assert_good_view(many)
    options = next(b for b in many["blocks"] if b.get("block_id") == "reason")["element"]["options"]
    assert len(options) <= 100 and len({o["value"] for o in options}) == len(options)
    assert_good_view(reason_modal(kind, 42, "x", []))
    assert read_reason(
        state(reason={"selected_option": {"value": "Spam"}}, notes={"value": "bot signup"})
    ) == ("Spam", "bot signup")


def test_reason_modal_rejects_other_kinds() -> None:
    with pytest.raises(ValueError, match="recycle"):
        reason_modal("promote", 1, "x", ["a"])


# handover and thread notes -------------------------------------------------------------------


@pytest.mark.parametrize("view", [ordinary_view(owner_slack_id=SDR), hostile_view()])
def test_handover_message(view: AlertView) -> None:
    handover = HandoverView(
        lead=view,
        decision_id=7,
        qualifier=SDR,
        now=NOW,
        ae=AE,
        bant={"budget": "confirmed", "authority": "decision_maker", "need": "urgent"},
        pain_points=hostile(3000),
        notes=hostile(3000),
        company_size=120,
        country=hostile(300),
        crm_id=hostile(100),
        crm_url="https://fake.slack.com/crm/leads/1",
        attributes=[(hostile(60), hostile(500))] * 12,
        earlier=[EarlierDecision("recycle", SDR, NOW, hostile(200), hostile(2000))] * 8,
        events=[(NOW - timedelta(hours=i), hostile(40), hostile(300)) for i in range(200)],
        alert_link="https://fake.slack.com/archives/C1/p1700000000000100",
    )
    payload = handover_message(handover)
    assert_good_message(payload)
    text = all_text(payload)
    for expected in (
        "*Budget*\nBudget confirmed",
        "*Authority*\nDecision maker",
        "*Need*\nClear and urgent",
        "*Timing*\nNot known yet",
        "*Pain points*",
        "*Why they scored*",
        "*Interaction history*",
        "*Earlier decisions*",
        f"<@{SDR}> qualified this lead and hands it over to <@{AE}>",
        "|Original alert>",
        "120 employees",
    ):
        assert expected in text
    assert payload["text"].startswith("SQL handover: ")


def test_handover_without_ae_or_notes() -> None:
    payload = handover_message(
        HandoverView(
            lead=ordinary_view(),
            decision_id=7,
            qualifier=hostile(20),
            now=NOW,
            alert_link="javascript:alert(1)",
        )
    )
    assert_good_message(payload)
    text = all_text(payload)
    assert "hands it over to the account executives" in text
    assert "None recorded" not in text and "javascript" not in text
    assert "*Pain points*" not in text and "Not known yet" in text


@pytest.mark.parametrize("outcome", ["promote", "recycle", "disqualify", "claim", hostile(50)])
def test_thread_note(outcome: str) -> None:
    payload = thread_note(decision(outcome=outcome))
    assert_good_message(payload)
    assert f"<@{SDR}>" in all_text(payload)


# from the scoring engine ---------------------------------------------------------------------


def test_reasons_from_breakdown() -> None:
    lines = [
        BreakdownLine(
            "size", "fit", "Company size", 10, 10, {"field": "company_size", "value": 450}
        ),
        BreakdownLine(
            "pricing",
            "engagement",
            "Pricing page",
            22,
            30,
            {
                "event": "page_view",
                "count": 3,
                "first": "2025-02-20T10:00:00+00:00",
                "last": "2025-02-28T10:00:00+00:00",
                "window_days": 7,
            },
        ),
        BreakdownLine(
            "unsub",
            "engagement",
            "Unsubscribed",
            -40,
            -40,
            {
                "event": "unsubscribe",
                "count": 1,
                "last": "2025-03-01T00:00:00+00:00",
                "capped": True,
            },
        ),
    ]
    reasons = reasons_from_breakdown([lines[0], lines[1].to_dict(), lines[2]])
    assert [r.label for r in reasons] == ["Unsubscribed", "Pricing page", "Company size"]
    assert reasons[1].evidence == (
        "Page view 3 times in the last 7 days, last on 2025-02-28, faded from 30 points"
    )
    assert reasons[2].evidence == "Company size is 450"
    assert reasons[0].evidence.endswith("capped at the rule's maximum")
    german = reasons_from_breakdown([lines[1]], "de")
    assert german[0].evidence.startswith("Seitenaufruf 3-mal in den letzten 7 Tagen")
    view = ordinary_view(reasons=reasons)
    assert "*-40* Unsubscribed" in all_text(alert_message(view))
