"""Events that arrive out of time order leave the state an in-order arrival gives, `last_positive`
included: whether an event added points is judged over the events in time order
(docs/scoring.md), so a lead given an older event is folded again in order."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import orjson
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.usecases.imports.csv_import import import_file
from scoring.engine import to_epoch
from scoring.state import LeadState
from storage.db import session_scope
from tests.conftest import NOW
from tests.storage.helpers import CEO, EVENT_HEADER, LEAD_HEADER, write_csv

OPENS = [NOW - timedelta(days=d) for d in (1, 2, 3)]  # newest first: the third in time is last


def _stored(engine: Engine) -> LeadState:
    with session_scope(engine) as s:
        raw = s.execute(text("select state from lead_score")).scalar_one()
    return LeadState.from_json(orjson.loads(raw) if isinstance(raw, str) else raw)


def test_an_import_newest_first_judges_the_third_open_in_time_order(
    engine: Engine, tmp_path: Path
) -> None:
    leads = write_csv(tmp_path / "leads.csv", LEAD_HEADER, [CEO])
    rows: list[list[object]] = [[CEO[0], "newsletter_open", at.isoformat(), "", ""] for at in OPENS]
    events = write_csv(tmp_path / "events.csv", EVENT_HEADER, rows)
    assert not import_file(engine, leads, "leads", now=NOW, actor="test").errors
    # one event a chunk: each arrives after a later one was folded and stored
    report = import_file(engine, events, "events", now=NOW, actor="test", chunk=1)
    assert not report.errors
    # in time order the open of a day ago is the third and adds the 15 points; newest first,
    # judged on arrival, the one of three days ago would have been
    assert _stored(engine).last_positive == to_epoch(OPENS[0])
