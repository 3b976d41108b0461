"""CSV rows of leads and of events, read straight from small files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.ingest.csv_events import read_events
from bot.ingest.csv_files import CSVFileError, open_csv
from bot.ingest.csv_leads import lead_columns, read_leads
from bot.ingest.records import EventIn, LeadIn, RowError

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "file.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_lead_headers_map_to_fields_and_the_rest_to_attributes() -> None:
    header = ["E-Mail", "First Name", "Employees", "Contact ID", "Postcode"]
    assert lead_columns(header, None, Path("x.csv")) == {
        "E-Mail": "email",
        "First Name": "first_name",
        "Employees": "company_size",
        "Contact ID": "attr:Contact ID",
        "Postcode": "attr:Postcode",
    }
    chosen = lead_columns(["id", "Contact ID"], "Contact ID", Path("x.csv"))
    assert chosen == {"id": "attr:id", "Contact ID": "external_id"}
    with pytest.raises(CSVFileError, match="no 'email' or 'id' column"):
        lead_columns(["name"], None, Path("x.csv"))


def test_lead_rows_keep_attributes_typed_and_leave_blanks_out(tmp_path: Path) -> None:
    source = open_csv(write(tmp_path, "email;title;Postcode;score\na@x.example;CEO;01067;12\n"))
    try:
        [lead] = list(read_leads(source))
    finally:
        source.close()
    assert isinstance(lead, LeadIn)
    assert lead.fields == {"title": "CEO"}
    assert lead.attributes == {"Postcode": "01067", "score": 12}


def test_event_rows_and_their_errors_by_line(tmp_path: Path) -> None:
    text = (
        "email,type,occurred_at,url\n"
        "a@x.example,page_view,2026-11-30T10:00:00,https://x.example/\n"
        "a@x.example,page_view,2026-11-30T10:00:00,https://x.example/,extra\n"
        "a@x.example,page_view\n"
    )
    source = open_csv(write(tmp_path, text))
    try:
        first, wide, short = list(read_events(source, NOW))
    finally:
        source.close()
    assert isinstance(first, EventIn) and first.properties == {"url": "https://x.example/"}
    assert isinstance(wide, RowError) and wide.line == 3 and "has 5 values" in wide.message
    assert isinstance(short, RowError) and short.line == 4 and short.field == "occurred_at"


def test_an_event_file_without_its_columns_is_refused_whole(tmp_path: Path) -> None:
    source = open_csv(write(tmp_path, "email,when\na@x.example,2026-11-30\n"))
    try:
        with pytest.raises(CSVFileError, match=r"lacks the column\(s\) type, occurred_at"):
            list(read_events(source, NOW))
    finally:
        source.close()
