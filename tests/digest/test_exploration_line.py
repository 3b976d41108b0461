"""The digest shows the week's exploration sample apart from the funnel, in both languages,
and says nothing of it in a week without one; its leads never count as MQLs."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.digest.numbers import DigestNumbers, digest_numbers, from_payload
from bot.digest.texts import digest_texts
from bot.digest.weeks import Week
from storage.db import session_scope
from storage.tables import ExplorationSample, Lead
from tests.digest.week48 import NOW, build

TZ = ZoneInfo("Europe/Berlin")


def _numbers(engine: Engine) -> DigestNumbers:
    with session_scope(engine) as s:
        numbers = digest_numbers(s, Week(2026, 48), TZ, now=NOW)
    return from_payload(numbers.payload())  # as the outbox row carries it


def _text(engine: Engine, locale: str) -> str:
    return "\n".join(digest_texts(_numbers(engine), locale, "Europe/Berlin").sections)


def test_the_weeks_sample_is_shown_apart_and_not_in_the_funnel(sqlite_engine: Engine) -> None:
    build(sqlite_engine)
    before = _numbers(sqlite_engine)
    assert before.exploration is None and "xploration" not in _text(sqlite_engine, "en")
    monday = Week(2026, 48).start(TZ)
    with session_scope(sqlite_engine) as s:
        leads = s.exec(select(Lead).where(Lead.status == "lead").limit(3)).all()
        assert len(leads) == 3
        for n, (lead, answer) in enumerate(zip(leads, ("promote", "recycle", None), strict=True)):
            at = monday + timedelta(days=1, hours=n)
            s.add(
                ExplorationSample(
                    period=f"{at.date()}",
                    lead_id=lead.id or 0,
                    sampled_at=at,
                    share=0.1,
                    line=70,
                    band=10,
                    score=64,
                    channel="#sdr-alerts",
                    answer=answer,
                    answered_by="slack:U1" if answer else None,
                    answered_at=at + timedelta(hours=1) if answer else None,
                )
            )
    after = _numbers(sqlite_engine)
    assert after.exploration == {
        "shown": 3,
        "answered": 2,
        "promote": 1,
        "recycle": 1,
        "disqualify": 0,
    }
    assert after.funnel == before.funnel  # no MQL, no decision
    en = _text(sqlite_engine, "en")
    assert "*Exploration sample* (not in the numbers above): 3 lead(s) under the MQL line" in en
    assert "2 answered this week: 1 would promote, 1 not ready now, 0 would disqualify" in en
    assert "*Erkundungsstichprobe* (nicht in den Zahlen oben): 3 Lead(s)" in _text(
        sqlite_engine, "de"
    )
