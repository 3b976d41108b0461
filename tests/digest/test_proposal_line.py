"""The digest shows the pending recalibration proposal's headline with a link to it, and
nothing about proposals when none is pending (issue 13, criterion 2)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.digest.numbers import digest_numbers, from_payload
from bot.digest.texts import digest_texts
from bot.digest.weeks import Week
from storage.db import session_scope
from storage.repositories import proposals
from tests.digest.week48 import NOW, build

EVIDENCE = {
    "decisions": 64,
    "rules": [{"old": 30, "new": 36}, {"old": 20, "new": 20}],
    "new_rules": [{"label": "Segment: Enterprise"}],
    "threshold": {"old": 70, "new": 74},
}


def _texts(engine: Engine, locale: str) -> str:
    with session_scope(engine) as s:
        numbers = digest_numbers(s, Week(2026, 48), ZoneInfo("Europe/Berlin"), now=NOW)
    again = from_payload(numbers.payload())  # as the outbox row carries it
    return "\n".join(digest_texts(again, locale, "Europe/Berlin").sections)


def test_a_pending_proposal_is_linked_from_the_digest(sqlite_engine: Engine) -> None:
    build(sqlite_engine)
    assert "model proposal" not in _texts(sqlite_engine, "en").lower()
    with session_scope(sqlite_engine) as s:
        row, _ = proposals.add(
            s, created_by="job", base_version=1, toml="", headline="h", evidence=EVIDENCE, now=NOW
        )
        assert row.id is not None
        pid = row.id
    text = _texts(sqlite_engine, "en")
    assert "A model proposal waits for approval" in text
    assert "from 64 decisions, 1 rule(s) change, 1 new, MQL line 70 → 74" in text
    assert f"sdrbot model proposals --show {pid}" in text  # not posted yet: no link
    with session_scope(sqlite_engine) as s:
        proposals.set_posted(s, pid, channel="C0OPS00001", ts="1764590000.000100")
    text = _texts(sqlite_engine, "en")
    assert f"<https://slack.com/archives/C0OPS00001/p1764590000000100|See proposal #{pid}" in text
    assert "Modellvorschlag wartet auf Freigabe" in _texts(sqlite_engine, "de")
    with session_scope(sqlite_engine) as s:
        proposals.decide_if_pending(s, pid, status="rejected", by="cli:x", now=NOW)
    assert "model proposal" not in _texts(sqlite_engine, "en").lower()
