"""The proposal's message (pure): the evidence in both languages, buttons while pending, the
outcome in their place once decided, lead and rule text escaped, within Slack's limits."""

from __future__ import annotations

import json

from bot.slack.blocks import message_problems
from bot.slack.blocks.proposal import (
    ACTION_APPROVE,
    ACTION_REJECT,
    ProposalView,
    note_text,
    proposal_message,
    summary_text,
)

EVIDENCE = {
    "decisions": 84,
    "positives": 30,
    "negatives": 54,
    "from_crm": 3,
    "recycle_weight": 0.5,
    "rules": [
        {
            "id": "a",
            "label": "CEO <b>",
            "dimension": "fit",
            "old": 30,
            "new": 38,
            "with_n": 20,
            "with_rate": 0.6,
            "without_n": 64,
            "without_rate": 0.28,
        },
        {
            "id": "b",
            "label": "Same",
            "dimension": "fit",
            "old": 20,
            "new": 20,
            "with_n": 0,
            "with_rate": 0.0,
            "without_n": 84,
            "without_rate": 0.36,
        },
    ],
    "new_rules": [
        {
            "id": "c",
            "label": "Segment: Enterprise",
            "dimension": "fit",
            "points": 12,
            "with_n": 30,
            "with_rate": 0.55,
            "without_n": 54,
            "without_rate": 0.26,
        },
    ],
    "threshold": {
        "old": 70,
        "new": 76,
        "aim": 82,
        "expected_rate": 0.31,
        "target": 0.3,
        "min_fit": [20, 10],
        "min_engagement": [20, 20],
    },
    "backtest": {
        "train": 63,
        "test": 21,
        "before": {"precision": 0.33, "recall": 1.0, "auc": 0.61},
        "after": {"precision": 0.41, "recall": 0.8, "auc": 0.7},
        "skipped": "",
    },
    "change": {"become_mql": 4, "qualify": 40, "looked_at": 500},
}


def _text(message: dict) -> str:  # type: ignore[type-arg]
    return json.dumps(message["blocks"], ensure_ascii=False)


def test_a_pending_proposal_shows_its_evidence_and_buttons() -> None:
    message = proposal_message(ProposalView(7, "pending", EVIDENCE), "en")
    assert message_problems(message) == []
    text = _text(message)
    assert "CEO &lt;b&gt;: 30 → *38*" in text  # rule text escaped
    assert "Same" not in text  # unchanged rules are not listed
    assert "Segment: Enterprise: *12* points" in text
    assert "*MQL line:* 70 → *76*" in text and "fit 20 → *10*" in text
    assert "precision 33% → 41%" in text and "AUC 0.61 → 0.70" in text
    assert "4 of 500 current leads would become MQLs" in text
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [ACTION_APPROVE, ACTION_REJECT]
    assert {e["value"] for e in actions["elements"]} == {"7"}


def test_a_decided_proposal_shows_the_outcome_instead_of_buttons() -> None:
    done = proposal_message(ProposalView(7, "approved", EVIDENCE, "slack:U1", None, 3), "de")
    assert not [b for b in done["blocks"] if b["type"] == "actions"]
    assert "Freigegeben von <@U1>: Modell v3 ist aktiv." in _text(done)
    assert "Modellvorschlag Nr. 7" in _text(done)
    no = proposal_message(ProposalView(7, "rejected", EVIDENCE, "cli:bob", "<!channel>"), "en")
    assert "Rejected by cli:bob: &lt;!channel&gt;" in _text(no)


def test_thread_notes_and_the_summary() -> None:
    facts = {"by": "slack:U1", "version": 3, "rescored": 900, "new_mqls": 40, "summary": True}
    note = note_text("en", "approved", facts)
    assert "Approved by <@U1>. Model v3 is active; 900 leads" in note and "one summary" in note
    text = summary_text("en", 40, ["Ann (A&B)", "Bo"])
    assert "*40* leads MQLs at once" in text and "Ann (A&amp;B), Bo and 38 more" in text


def test_the_evidence_says_how_many_labels_came_from_aes_and_exploration() -> None:
    plain = _text(proposal_message(ProposalView(7, "pending", EVIDENCE), "en"))
    assert "account executive" not in plain and "exploration" not in plain
    more = {**EVIDENCE, "from_ae": 4, "from_exploration": 2}
    en = _text(proposal_message(ProposalView(7, "pending", more), "en"))
    assert "4 labelled by an account executive's answer to the handover" in en
    assert "2 from answers to exploration alerts (leads under the MQL line)" in en
    de = _text(proposal_message(ProposalView(7, "pending", more), "de"))
    assert "4 davon nach der Antwort eines Account Executives" in de
    assert "2 aus Antworten auf Erkundungs-Alerts" in de


def test_rules_are_named_in_the_teams_language_where_the_evidence_has_it() -> None:
    changed, same = EVIDENCE["rules"]  # type: ignore[index,misc]
    [new] = EVIDENCE["new_rules"]  # type: ignore[index,misc]
    labelled = {
        **EVIDENCE,
        "rules": [{**changed, "labels": {"de": "Geschäftsführung <b>"}}, same],
        "new_rules": [{**new, "labels": {"de": "Segment: Großkunden"}}],
    }
    de = _text(proposal_message(ProposalView(7, "pending", labelled), "de"))
    assert "Geschäftsführung &lt;b&gt;: 30 → *38*" in de and "CEO" not in de
    assert "Segment: Großkunden: *12* Punkte" in de
    en = _text(proposal_message(ProposalView(7, "pending", labelled), "en"))
    assert "CEO &lt;b&gt;: 30 → *38*" in en and "Großkunden" not in en
    # a proposal stored before labels by language, or a rule without a German one: its label
    assert "Segment: Enterprise: *12* Punkte" in _text(
        proposal_message(ProposalView(7, "pending", EVIDENCE), "de")
    )
