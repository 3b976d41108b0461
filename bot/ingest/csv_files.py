"""CSV files of leads and events: header mapping, row parsing, errors by line.

Excel's habits are tolerated (a byte-order mark, ';' or tab as separator, "First Name" headers).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from bot.ingest.records import (
    EventIn,
    Identity,
    LeadIn,
    RowError,
    RowRejected,
    normalise_event_type,
    parse_company_size,
    parse_identity,
    parse_timestamp,
    typed_value,
)

LEAD_ALIASES = {
    "email": "email",
    "e_mail": "email",
    "email_address": "email",
    "mail": "email",
    "id": "external_id",
    "external_id": "external_id",
    "crm_id": "external_id",
    "first_name": "first_name",
    "firstname": "first_name",
    "given_name": "first_name",
    "vorname": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "nachname": "last_name",
    "title": "title",
    "job_title": "title",
    "position": "title",
    "role": "title",
    "company": "company",
    "company_name": "company",
    "organization": "company",
    "organisation": "company",
    "firma": "company",
    "industry": "industry",
    "branche": "industry",
    "company_size": "company_size",
    "employees": "company_size",
    "number_of_employees": "company_size",
    "employee_count": "company_size",
    "mitarbeiter": "company_size",
    "mitarbeiterzahl": "company_size",
    "anzahl_mitarbeiter": "company_size",
    "country": "country",
    "land": "country",
    "source": "source",
    "lead_source": "source",
}
EVENT_COLUMNS = {
    "email": "email",
    "e_mail": "email",
    "id": "external_id",
    "external_id": "external_id",
    "type": "type",
    "event": "type",
    "event_type": "type",
    "occurred_at": "occurred_at",
    "timestamp": "occurred_at",
    "message_id": "message_id",
    "event_id": "message_id",
}


class CSVFileError(ValueError):
    """The file as a whole cannot be read; nothing of it was imported."""


def header_key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


class Lines:
    """The file's lines for the csv reader, noting a NUL character on the way: PostgreSQL's
    text columns cannot hold one, so such a row is refused by name here, on either database,
    instead of by the database without a field. One test per line costs far less than one per
    value."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.nul = False  # a line read since the flag was last cleared held a NUL

    def __iter__(self) -> Iterator[str]:
        for line in self.handle:
            if "\x00" in line:
                self.nul = True
            yield line


def nul_error(line: int, header: list[str], values: list[str]) -> RowError:
    column = next(
        (
            header[i] if i < len(header) else f"column {i + 1}"
            for i, v in enumerate(values)
            if "\x00" in v
        ),
        "",
    )
    return RowError(
        line,
        column,
        "contains a NUL character (0x00), which cannot be stored; "
        "remove it (it often comes from a file saved as UTF-16: save it as CSV UTF-8)",
    )


@dataclass
class CSVSource:
    path: Path
    handle: IO[str]
    reader: Iterator[list[str]]
    header: list[str]
    lines: Lines

    def rows(self) -> Iterator[tuple[int, dict[str, str] | RowError]]:
        """Each row by its line, or the error of a row the file's shape already spoils."""
        reader, lines = self.reader, self.lines
        width = len(self.header)
        for values in reader:
            line = reader.line_num  # type: ignore[attr-defined]
            if lines.nul:
                lines.nul = False
                yield line, nul_error(line, self.header, values)
                continue
            if not any(v.strip() for v in values):
                continue
            if len(values) > width:
                yield (
                    line,
                    RowError(
                        line,
                        "",
                        f"has {len(values)} values but the header names "
                        f"{width} columns; quote values that contain the separator",
                    ),
                )
                continue
            yield line, dict(zip(self.header, values, strict=False))

    def close(self) -> None:
        self.handle.close()


def open_csv(path: Path) -> CSVSource:
    if not path.exists():
        raise CSVFileError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise CSVFileError(f"{path} is a folder; give the CSV file inside it")
    handle = path.open(newline="", encoding="utf-8-sig")
    try:
        sample = handle.read(16384)
    except UnicodeDecodeError:
        handle.close()
        raise CSVFileError(
            f"{path} is not UTF-8 text; save it as 'CSV UTF-8' and try again"
        ) from None
    handle.seek(0)
    # the separator is the one the header line uses most (Excel writes ';' in German locales);
    # csv.Sniffer guesses from the data too, and quoted tabs or line breaks mislead it
    header_line = sample.splitlines()[0] if sample else ""
    delimiter = max(",;\t", key=header_line.count)
    lines = Lines(handle)
    reader = csv.reader(lines, csv.excel, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise CSVFileError(f"{path} is empty; the first line must name the columns") from None
    if lines.nul:
        handle.close()
        raise CSVFileError(
            f"{path}: the header line contains NUL characters; is the file "
            "UTF-16? Save it as CSV UTF-8 and try again"
        )
    return CSVSource(path, handle, reader, [h.strip() for h in header], lines)


def count_rows(path: Path) -> int:
    with path.open("rb") as f:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1)


def lead_columns(header: list[str], id_column: str | None, path: Path) -> dict[str, str]:
    """Map each header to a standard field, or keep it as a custom attribute."""
    mapping: dict[str, str] = {}
    for name in header:
        key = header_key(name)
        if id_column is not None and (name == id_column or key == header_key(id_column)):
            mapping[name] = "external_id"
        elif id_column is not None and LEAD_ALIASES.get(key) == "external_id":
            mapping[name] = "attr:" + name
        else:
            mapping[name] = LEAD_ALIASES.get(key, "attr:" + name)
    if id_column is not None and "external_id" not in mapping.values():
        raise CSVFileError(
            f"{path}: --id-column {id_column!r} is not a column; the columns are "
            f"{', '.join(header)}"
        )
    if not {"email", "external_id"} & set(mapping.values()):
        raise CSVFileError(
            f"{path} has no 'email' or 'id' column (its columns: "
            f"{', '.join(header)}). Add one, or name the column that holds the "
            "CRM id with --id-column NAME"
        )
    return mapping


def read_leads(source: CSVSource, id_column: str | None = None) -> Iterator[LeadIn | RowError]:
    mapping = lead_columns(source.header, id_column, source.path)
    id_name = id_column or "id"
    for line, row in source.rows():
        if isinstance(row, RowError):
            yield row
            continue
        try:
            std: dict[str, str] = {}
            attrs: dict[str, object] = {}
            for name, value in row.items():
                target = mapping[name]
                if target.startswith("attr:"):
                    if value.strip():
                        attrs[target[5:]] = typed_value(value)
                else:
                    std[target] = value
            identity = parse_identity(
                std.pop("email", None), std.pop("external_id", None), line, id_name
            )
            fields: dict[str, object] = {k: v.strip() for k, v in std.items() if v.strip()}
            if "company_size" in std:
                size = parse_company_size(std["company_size"], line)
                fields.pop("company_size", None)
                if size is not None:
                    fields["company_size"] = size
            yield LeadIn(identity, fields, attrs, line)
        except RowRejected as exc:
            yield exc.error


def read_events(source: CSVSource, now: datetime) -> Iterator[EventIn | RowError]:
    mapping = {name: EVENT_COLUMNS.get(header_key(name), "prop:" + name) for name in source.header}
    targets = set(mapping.values())
    missing = [c for c in ("type", "occurred_at") if c not in targets]
    if not {"email", "external_id"} & targets:
        missing.insert(0, "email (or id)")
    if missing:
        raise CSVFileError(
            f"{source.path} lacks the column(s) {', '.join(missing)} (its columns: "
            f"{', '.join(source.header)}); an event row needs email or id, type "
            "and occurred_at"
        )
    # a file repeats the same leads and types many times: parse each distinct value once
    identities: dict[tuple[str, str], Identity] = {}
    kinds: dict[str, str] = {}
    column = {target: i for i, target in enumerate(mapping[name] for name in source.header)}
    i_email, i_ext = column.get("email"), column.get("external_id")
    i_type, i_time, i_msg = column["type"], column["occurred_at"], column.get("message_id")
    props_at = [(i, t[5:]) for t, i in column.items() if t.startswith("prop:")]
    width = len(source.header)
    reader, lines = source.reader, source.lines
    for values in reader:
        line = reader.line_num  # type: ignore[attr-defined]
        if lines.nul:
            lines.nul = False
            yield nul_error(line, source.header, values)
            continue
        if len(values) != width:
            if not any(v.strip() for v in values):
                continue
            if len(values) > width:
                yield RowError(
                    line,
                    "",
                    f"has {len(values)} values but the header names "
                    f"{width} columns; quote values that contain the separator",
                )
                continue
            values = values + [""] * (width - len(values))
        try:
            ident_key = (
                values[i_email] if i_email is not None else "",
                values[i_ext] if i_ext is not None else "",
            )
            identity = identities.get(ident_key)
            if identity is None:
                identity = identities[ident_key] = parse_identity(*ident_key, line)
            raw_kind = values[i_type]
            kind = kinds.get(raw_kind)
            if kind is None:
                kind = kinds[raw_kind] = normalise_event_type(raw_kind, line)
            when = parse_timestamp(values[i_time], line, now=now)
            props = {name: typed_value(values[i]) for i, name in props_at if values[i].strip()}
            message_id = values[i_msg].strip() if i_msg is not None else ""
            yield EventIn(identity, kind, when, props, message_id or None, line)
        except RowRejected as exc:
            yield exc.error
