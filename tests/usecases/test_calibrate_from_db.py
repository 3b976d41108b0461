"""Calibration from the database: decisions, AEs' answers to handovers and CRM outcomes as
labels, each lead's events as of its decision — an event after the decision never reaches the
features, even when an AE answered later."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from bot.usecases.learning.from_db import labelled_examples
from scoring.calibrate.pipeline import calibrate
from scoring.loader import load_model
from storage.db import make_engine, session_scope
from storage.tables import Decision, Event, HandoverReply, Lead
from tests.conftest import NOW


def _seed(engine: Engine, n: int = 160) -> None:
    rng = random.Random(11)
    key = 0
    with session_scope(engine) as s:
        for i in range(n):
            software = rng.random() < 0.5
            promoted = rng.random() < (0.75 if software else 0.2)
            lead = Lead(
                email=f"l{i}@x.example",
                industry="Software" if software else "Retail",
                attributes={"Region": rng.choice(["N", "S"])},
                status="sql" if promoted else "disqualified",
                status_since=NOW,
                created_at=NOW - timedelta(days=60),
                updated_at=NOW,
            )
            s.add(lead)
            s.flush()
            assert lead.id is not None
            decided = NOW - timedelta(days=10)
            s.add(
                Decision(
                    lead_id=lead.id,
                    decision="promote" if promoted else "disqualify",
                    decided_by="slack:U1",
                    decided_at=decided,
                )
            )
            events = [
                ("page_view", decided - timedelta(days=d), {"url": "/blog/a"}) for d in (1, 3)
            ]
            if promoted:
                # after the decision, and only for the promoted: a perfect, leaking signal
                events.append(("webinar_attended", decided + timedelta(days=2), {}))
                events.append(("page_view", decided + timedelta(days=1), {"url": "/pricing"}))
            if i % 7 == 0:  # a CRM outcome wins over the decision
                events.append(("crm_lost", decided + timedelta(days=5), {}))
            for kind, at, props in events:
                key += 1
                s.add(
                    Event(
                        lead_id=lead.id,
                        type=kind,
                        occurred_at=at,
                        properties=props,
                        idempotency_key=key,
                        received_at=NOW,
                    )
                )


def test_no_event_after_the_decision_reaches_the_examples_or_the_model(
    sqlite_engine: Engine,
) -> None:
    _seed(sqlite_engine)
    labelled = labelled_examples(sqlite_engine)
    assert len(labelled.examples) == 160
    assert labelled.crm == len(range(0, 160, 7)) and labelled.decisions == 160 - labelled.crm
    for example in labelled.examples:
        assert example.known_at == NOW - timedelta(days=10)
        assert all(e.occurred_at <= example.known_at for e in example.events)
        assert {e.type for e in example.events} == {"page_view"}
        assert all(e.properties["url"] == "/blog/a" for e in example.events)
        assert "email" not in example.facts and "industry" in example.facts
    cal = calibrate(labelled.examples)
    text = cal.text
    assert "webinar" not in text and "/pricing" not in text and "crm_" not in text
    # two values: one rule, for whichever is rarer
    points = {r.candidate.id: r.points for r in cal.rules}
    assert points.get("industry_software", 0) > 0 or points.get("industry_retail", 0) < 0


def test_a_crm_outcome_overrides_the_decision(sqlite_engine: Engine) -> None:
    _seed(sqlite_engine)
    labelled = labelled_examples(sqlite_engine)
    # leads 0, 7, 14, … (ids 1, 8, 15, …) were lost in the CRM whatever the SDR decided
    lost_in_crm = [ex for i, ex in enumerate(labelled.examples) if i % 7 == 0]
    assert lost_in_crm and not any(ex.label for ex in lost_in_crm)


def test_the_command_learns_from_the_database(cli: CliRunner, tmp_path: Path) -> None:
    from storage.schema import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    upgrade(engine)
    _seed(engine)
    engine.dispose()
    result = cli.invoke(app, ["calibrate", "--from-db", "--out", "m.toml"])
    assert result.exit_code == 0, result.output
    expected = (
        "137 SDR decision(s) (0 on exploration alerts), 0 AE answer(s) to a handover "
        "(0 sent back), 23 CRM outcome(s)"
    )
    assert expected in " ".join(result.output.split())
    assert load_model((tmp_path / "m.toml").read_text(encoding="utf-8")).fit_rules
    both = cli.invoke(app, ["calibrate", "--from-db", "--history", "x.csv", "--out", "n.toml"])
    assert both.exit_code == 2 and "either --history" in both.output
    assert not (tmp_path / "n.toml").exists()


def _answer(engine: Engine, every: int) -> tuple[set[int], set[int]]:
    """Every `every`-th promoted lead without a CRM outcome is sent back by an AE two days after
    its decision (and visits /pricing after the decision, before the answer); the next one is
    accepted. Returns (sent back, accepted) lead ids."""
    sent: set[int] = set()
    accepted: set[int] = set()
    with session_scope(engine) as s:
        promotes = s.exec(select(Decision).where(Decision.decision == "promote")).all()
        lost = {e.lead_id for e in s.exec(select(Event).where(Event.type == "crm_lost")).all()}
        chosen = [d for d in promotes if d.lead_id not in lost]
        for n, d in enumerate(chosen):
            if n % every > 1:
                continue
            assert d.id is not None
            outcome = "sent_back" if n % every == 0 else "accepted"
            (sent if outcome == "sent_back" else accepted).add(d.lead_id)
            s.add(
                HandoverReply(
                    decision_id=d.id,
                    lead_id=d.lead_id,
                    outcome=outcome,
                    reason="no budget" if outcome == "sent_back" else None,
                    replied_by="slack:UAE",
                    replied_at=d.decided_at + timedelta(days=2),
                )
            )
            s.add(
                Event(
                    lead_id=d.lead_id,
                    type="form_submit",
                    occurred_at=d.decided_at + timedelta(days=1),
                    properties={},
                    idempotency_key=100_000 + (d.id or 0),
                    received_at=NOW,
                )
            )
    return sent, accepted


def test_an_aes_send_back_flips_the_label_and_an_accept_confirms_it(
    sqlite_engine: Engine,
) -> None:
    _seed(sqlite_engine)
    sent, accepted = _answer(sqlite_engine, 4)
    assert sent and accepted
    labelled = labelled_examples(sqlite_engine)
    by_lead = dict(zip(sorted(_decided(sqlite_engine)), labelled.examples, strict=True))
    assert not any(by_lead[i].label for i in sent)
    assert all(by_lead[i].label for i in accepted)
    assert (labelled.ae, labelled.sent_back) == (len(sent) + len(accepted), len(sent))
    assert labelled.decisions == 160 - labelled.crm - labelled.ae
    for lead_id in sent | accepted:
        # the features are the SDR's decision's: no event after it, though the AE answered later
        example = by_lead[lead_id]
        assert example.known_at == NOW - timedelta(days=10)
        assert {e.type for e in example.events} == {"page_view"}


def test_a_crm_outcome_overrides_an_aes_answer(sqlite_engine: Engine) -> None:
    _seed(sqlite_engine)
    _, accepted = _answer(sqlite_engine, 4)
    lead_id = min(accepted)
    with session_scope(sqlite_engine) as s:
        s.add(
            Event(
                lead_id=lead_id,
                type="crm_lost",
                occurred_at=NOW - timedelta(days=1),
                properties={},
                idempotency_key=999_999,
                received_at=NOW,
            )
        )
    labelled = labelled_examples(sqlite_engine)
    by_lead = dict(zip(sorted(_decided(sqlite_engine)), labelled.examples, strict=True))
    assert by_lead[lead_id].label is False


def _decided(engine: Engine) -> set[int]:
    with session_scope(engine) as s:
        return {d.lead_id for d in s.exec(select(Decision)).all()}


def test_the_command_says_how_many_labels_came_from_aes(cli: CliRunner, tmp_path: Path) -> None:
    from storage.schema import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    upgrade(engine)
    _seed(engine)
    sent, accepted = _answer(engine, 4)
    engine.dispose()
    result = cli.invoke(app, ["calibrate", "--from-db", "--out", "m.toml"])
    assert result.exit_code == 0, result.output
    ae = len(sent) + len(accepted)
    expected = (
        f"{137 - ae} SDR decision(s) (0 on exploration alerts), {ae} AE answer(s) to a "
        f"handover ({len(sent)} sent back), 23 CRM outcome(s)"
    )
    assert expected in " ".join(result.output.split())
