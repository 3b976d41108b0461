"""Events parsed in a reader process give exactly what parsing in-process gives."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.ingest.csv_files import CSVFileError
from bot.ingest.reader_process import events_in_background
from bot.usecases import importer
from bot.usecases.importer import import_file
from storage.db import make_engine
from storage.schema import upgrade
from tests.conftest import NOW
from tests.storage.helpers import EVENT_HEADER, write_csv
from tests.storage.test_parallel import scores, statuses


def events_file(folder: Path) -> Path:
    rows: list[list[object]] = []
    for i in range(40):
        for d in range(i % 4):
            rows.append([f"r{i}@x.example", "page_view",
                         (NOW - timedelta(days=d, hours=i)).isoformat(),
                         "https://x.example/product", ""])
    rows.insert(7, ["r1@x.example", "page_view", "yesterday", "", ""])
    rows.append(["", "demo_request", NOW.isoformat(), "", ""])
    return write_csv(folder / "events.csv", EVENT_HEADER, rows)


def test_background_reader_matches_in_process(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = events_file(tmp_path)
    one, two = (make_engine(f"sqlite:///{tmp_path / n}") for n in ("a.db", "b.db"))
    for eng in (one, two):
        upgrade(eng)
    plain = import_file(one, path, "events", now=NOW, actor="t")
    monkeypatch.setattr(importer, "BACKGROUND_FROM", 0)
    background = import_file(two, path, "events", now=NOW, actor="t", chunk=7)
    assert (background.rows, background.accepted, background.duplicates) == \
        (plain.rows, plain.accepted, plain.duplicates)
    last_line = plain.rows + 1  # the header is line 1
    assert [(e.line, e.field) for e in background.errors] == \
        [(e.line, e.field) for e in plain.errors] == [(9, "occurred_at"), (last_line, "email")]
    assert scores(two) == scores(one) and statuses(two) == statuses(one)


def test_background_reader_reports_file_errors(tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "bad.csv", ["email", "when"], [["a@b.example", "x"]])
    with pytest.raises(CSVFileError, match="lacks the column"):
        list(events_in_background(bad, NOW))
