"""The lead and score repositories' writes beyond the fast paths: a merge of two leads, a new
identity, dirty marks, the id range."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from storage.db import session_scope
from storage.repositories import leads, scores
from storage.tables import Event, LeadScore
from tests.conftest import NOW
from tests.factories import make_mql


def test_a_merged_lead_gives_its_events_and_leaves_the_other_dirty(engine: Engine) -> None:
    gone = make_mql(engine, NOW, email="anon@x.example")
    into = make_mql(engine, NOW, email="person@x.example")
    with session_scope(engine) as s:
        leads.merge_lead(s, gone, into=into)
    with session_scope(engine) as s:
        assert leads.get_lead(s, gone) is None
        owners = set(s.scalars(select(Event.lead_id)))
        assert owners == {into} and len(list(s.scalars(select(Event.id)))) == 4
        score = s.get(LeadScore, into)
        assert score is not None and score.dirty


def test_a_renamed_lead_keeps_its_id(engine: Engine) -> None:
    lead_id = make_mql(engine, NOW, email=None, external_id="anon:c1")
    with session_scope(engine) as s:
        leads.rename_lead(s, lead_id, email="ann@x.example", external_id="crm-1", now=NOW)
    with session_scope(engine) as s:
        assert leads.lead_ids_by(s, "email", ["ann@x.example"]) == {"ann@x.example": lead_id}
        assert leads.lead_ids_by(s, "external_id", ["anon:c1", "crm-1"]) == {"crm-1": lead_id}


def test_dirty_marks_and_the_id_range(engine: Engine) -> None:
    with session_scope(engine) as s:
        assert leads.id_range(s) == (None, None, 0)
    ids = [make_mql(engine, NOW, email=f"l{i}@x.example") for i in range(3)]
    with session_scope(engine) as s:
        scores.mark_dirty(s, ids[1:])
        scores.mark_dirty(s, [])
    with session_scope(engine) as s:
        states = scores.score_states(s, ids)
        assert [states[i].dirty for i in ids] == [False, True, True]
        assert leads.id_range(s) == (min(ids), max(ids), 3)
        assert leads.count_leads(s) == 3
