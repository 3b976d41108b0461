"""The digest's time to first action against weeks computed by hand: from each MQL round's
alert to the team's first claim or decision in it (App Home's definition, for everyone)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.digest.numbers import DigestNumbers, Sla, digest_numbers, from_payload
from bot.digest.texts import digest_texts
from bot.digest.weeks import Week
from bot.outbox.messages import Reminder
from bot.outbox.queue import queue
from bot.slack.blocks.digest import digest_message
from bot.usecases.lifecycle.decisions import claim, decide, slack_actor
from storage.db import session_scope
from tests.digest.week48 import MONDAY_EARLY, NOW, TUESDAY
from tests.factories import alert_posted, became_mql, make_mql

BERLIN = ZoneInfo("Europe/Berlin")
ANNA, BEN = "U0SDRANNA1", "U0SDRBEN01"
H = timedelta(hours=1)


def mql(engine: Engine, name: str, at: datetime, *, alert: timedelta | None = timedelta()) -> int:
    lead_id = make_mql(engine, at, email=f"{name}@x.example", first_name=name)
    became_mql(engine, lead_id, at)
    if alert is not None:
        alert_posted(engine, lead_id, at + alert)
    return lead_id


def decides(engine: Engine, lead_id: int, outcome: str, by: str, at: datetime) -> None:
    reason = None if outcome == "promote" else "Bad timing"
    done = decide(
        engine,
        lead_id=lead_id,
        outcome=outcome,
        actor=slack_actor(by),
        now=at,
        reason=reason,
        ownership="allow",
    )
    assert done.won


def claims(engine: Engine, lead_id: int, by: str, at: datetime) -> None:
    assert claim(engine, lead_id=lead_id, user_id=by, now=at).won


def w48(engine: Engine) -> DigestNumbers:
    with session_scope(engine) as session:
        return digest_numbers(session, Week(2026, 48), BERLIN, now=NOW)


def test_a_claim_before_the_decision_is_the_first_action(engine: Engine) -> None:
    t0 = TUESDAY
    a = mql(engine, "a", t0, alert=30 * timedelta(minutes=1))
    claims(engine, a, ANNA, t0 + 2.5 * H)  # 2 h after the alert; decided 2 h 30 later
    decides(engine, a, "promote", ANNA, t0 + 5 * H)
    b = mql(engine, "b", t0)
    decides(engine, b, "recycle", ANNA, t0 + 6 * H)  # no claim: the decision is first, 6 h
    c = mql(engine, "c", t0 - 170 * H)  # a round of last week: not this week's
    decides(engine, c, "recycle", ANNA, t0 - 160 * H)
    became_mql(engine, c, t0 + H, old="recycled")
    alert_posted(engine, c, t0 + H)
    decides(engine, c, "disqualify", ANNA, t0 + 11 * H)  # the new round: 10 h
    d = mql(engine, "d", t0)
    claims(engine, d, BEN, t0 + H)  # the team's first action: Ben's claim, 1 h
    decides(engine, d, "recycle", ANNA, t0 + 3 * H)
    e = mql(engine, "e", t0, alert=None)  # a flood summary, no alert: from becoming an MQL
    decides(engine, e, "recycle", BEN, t0 + 4 * H)
    f = mql(engine, "f", t0 - 8 * 24 * H)
    claims(engine, f, ANNA, t0 - 7 * 24 * H)  # acted on in W47, decided in W48: W47's
    decides(engine, f, "promote", ANNA, t0 + H)
    g = mql(engine, "g", t0 + 5 * 24 * H)
    claims(engine, g, BEN, MONDAY_EARLY)  # 00:30 on Monday in Berlin: W49's
    mql(engine, "h", t0)  # never acted on
    with session_scope(engine) as s:
        queue(
            s,
            [Reminder(a, t0, 4), Reminder(b, t0, 4), Reminder(b, t0, 4, escalate=True)],
            now=t0 + 5 * H,
        )
    numbers = w48(engine)
    # waits of 1, 2, 4, 6 and 10 hours: median 4, nine in ten within 10 (nearest rank); had
    # only decisions counted, a and d would wait 4.5 and 3 hours and the median be 4.5
    assert numbers.sla == Sla(5, 4.0, 10.0, 2, 1)
    assert from_payload(numbers.payload()).sla == numbers.sla
    en, de = (_text(numbers, lo) for lo in ("en", "de"))
    assert "*Time to first action*" in en
    assert "The SDRs acted on 5 MQLs; half of them within 4.0 hours of the alert" in en
    assert "nine in ten within 10.0 hours." in en and "the first claim or decision" in en
    assert "2 SLA reminders and 1 escalations went out." in en
    assert "*Zeit bis zur ersten Aktion*" in de
    assert "Die SDRs bearbeiteten 5 MQLs; die Hälfte innerhalb von 4,0 Stunden" in de
    assert "bis zur ersten Übernahme oder Entscheidung" in de
    with session_scope(engine) as session:
        w49 = digest_numbers(session, Week(2026, 49), BERLIN, now=NOW + 7 * 24 * H)
    assert (w49.sla.acted, w49.sla.median_hours) == (1, 13.5)  # g: Sunday 10:00 to 23:30 UTC


def test_a_week_with_only_a_decision(engine: Engine) -> None:
    lead_id = mql(engine, "only", TUESDAY, alert=timedelta(minutes=15))
    decides(engine, lead_id, "disqualify", ANNA, TUESDAY + 3 * H + timedelta(minutes=15))
    numbers = w48(engine)
    assert numbers.sla == Sla(1, 3.0, 3.0, 0, 0)
    assert "The SDRs acted on one MQL, 3.0 hours after its alert." in _text(numbers, "en")
    assert "Die SDRs bearbeiteten ein MQL, 3,0 Stunden nach seinem Alert." in _text(numbers, "de")


def test_a_week_without_actions_and_a_digest_queued_before_claims_counted(
    engine: Engine,
) -> None:
    mql(engine, "waiting", TUESDAY)
    numbers = w48(engine)
    assert numbers.sla == Sla(0, None, None, 0, 0)
    assert "No MQL was claimed or decided this week." in _text(numbers, "en")
    assert "Diese Woche wurde kein MQL übernommen oder entschieden." in _text(numbers, "de")
    old = numbers.payload()
    old["sla"] = {
        "decided": 2,
        "median_hours": 1.0,
        "p90_hours": 2.0,
        "reminders": 0,
        "escalations": 0,
    }
    assert from_payload(old).sla == Sla(2, 1.0, 2.0, 0, 0)


def _text(numbers: DigestNumbers, locale: str) -> str:
    message = digest_message(digest_texts(numbers, locale, "Europe/Berlin"))
    out = [message["text"]]
    for block in message["blocks"]:
        if "text" in block:
            out.append(block["text"]["text"])
        out.extend(e.get("text", "") for e in block.get("elements", []))
    return "\n".join(out)
