"""Hypothesis: importing the same files twice changes nothing, whatever is in them."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import SQLModel

from bot.usecases.imports.csv_import import import_file
from storage.db import make_engine, session_scope
from storage.tables import handles as bulk
from tests.conftest import NOW
from tests.storage.helpers import EVENT_HEADER, LEAD_HEADER, write_csv

EMAILS = [f"lead{i}@example.com" for i in range(4)]
TITLES = ["CEO", "Sales Manager", "Student", ""]
EVENTS = [
    ("page_view", "https://x.example/product/a", ""),
    ("page_view", "https://x.example/careers", ""),
    ("page_view", "https://x.example/blog", ""),
    ("content_download", "", "whitepaper"),
    ("webinar_attended", "", ""),
    ("newsletter_open", "", ""),
    ("unsubscribe", "", ""),
    ("demo_request", "", ""),
]

lead_rows = st.lists(
    st.tuples(
        st.sampled_from(EMAILS),
        st.sampled_from(TITLES),
        st.sampled_from(["", "80", "120", "5000"]),
        st.sampled_from(["Hospitality", "Software", ""]),
    ),
    max_size=6,
)
event_rows = st.lists(
    st.tuples(
        st.sampled_from(EMAILS),
        st.sampled_from(EVENTS),
        st.integers(min_value=0, max_value=200 * 24),
    ),
    max_size=25,
)


def snapshot(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    tables = {
        "lead": bulk.LEAD,
        "event": bulk.EVENT,
        "score": bulk.SCORE,
        "transition": bulk.TRANSITION,
        "snapshot": bulk.SNAPSHOT,
        "outbox": bulk.OUTBOX,
    }
    with session_scope(engine) as s:
        return {
            name: sorted(tuple(map(repr, row)) for row in s.execute(select(t)))
            for name, t in tables.items()
        }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leads=lead_rows, events=event_rows)
def test_importing_the_same_files_twice_changes_nothing(
    leads: list[tuple[str, ...]], events: list[tuple[Any, ...]]
) -> None:
    engine = make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lf = write_csv(
            folder / "leads.csv",
            LEAD_HEADER,
            [[e, "", "", "", t, "", ind, size, "", ""] for e, t, size, ind in leads],
        )
        ef = write_csv(
            folder / "events.csv",
            EVENT_HEADER,
            [
                [e, kind, (NOW - timedelta(hours=h)).isoformat(), url, asset]
                for e, (kind, url, asset), h in events
            ],
        )
        for path, kind in ((lf, "leads"), (ef, "events")):
            import_file(engine, path, kind, now=NOW, actor="test")  # type: ignore[arg-type]
        first = snapshot(engine)
        for path, kind in ((lf, "leads"), (ef, "events")):
            report = import_file(engine, path, kind, now=NOW, actor="test")  # type: ignore[arg-type]
            assert not report.errors
        assert snapshot(engine) == first
    engine.dispose()
