"""CSV files of leads: headers mapped to lead fields ("First Name", "Employees", ...), every
other column kept as a custom attribute, each row a LeadIn or the error of its line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bot.ingest.csv_events import EVENT_COLUMNS
from bot.ingest.csv_files import CSVFileError, CSVSource, header_key
from bot.ingest.records import (
    LeadIn,
    RowError,
    RowRejected,
    parse_company_size,
    parse_identity,
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


def lead_columns(
    header: list[str], id_column: str | None, path: Path, *, require_identity: bool = True
) -> dict[str, str]:
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
    if require_identity and not {"email", "external_id"} & set(mapping.values()):
        raise CSVFileError(
            f"{path} has no 'email' or 'id' column (its columns: "
            f"{', '.join(header)}). Add one, or name the column that holds the "
            "CRM id with --id-column NAME"
        )
    return mapping


def refuse_events(header: list[str], mapping: dict[str, str], path: Path) -> None:
    """A file of events given as leads would turn every event column into a lead attribute
    and "update" each lead once per event: say which import it is for instead."""
    event_columns = {EVENT_COLUMNS.get(header_key(name)) for name in header}
    lead_fields = set(mapping.values()) - {"email", "external_id"}
    if {"type", "occurred_at"} <= event_columns and not any(
        not f.startswith("attr:") for f in lead_fields
    ):
        raise CSVFileError(
            f"{path} looks like a file of events (it has the columns type and occurred_at and "
            f"no lead field such as first_name, title or company; its columns: "
            f"{', '.join(header)}). Import it with `sdrbot import events {path}`"
        )


def read_leads(source: CSVSource, id_column: str | None = None) -> Iterator[LeadIn | RowError]:
    mapping = lead_columns(source.header, id_column, source.path)
    refuse_events(source.header, mapping, source.path)
    id_name = id_column or "id"
    for line, row in source.rows():
        if isinstance(row, RowError):
            yield row
            continue
        try:
            std, attrs = split_row(mapping, row)
            identity = parse_identity(
                std.pop("email", None), std.pop("external_id", None), line, id_name
            )
            yield LeadIn(identity, standard_fields(std, line), attrs, line)
        except RowRejected as exc:
            yield exc.error


def split_row(
    mapping: dict[str, str], row: dict[str, str]
) -> tuple[dict[str, str], dict[str, object]]:
    """A row's standard fields (as text) and its custom attributes (typed, blanks left out)."""
    std: dict[str, str] = {}
    attrs: dict[str, object] = {}
    for name, value in row.items():
        target = mapping[name]
        if target.startswith("attr:"):
            if value.strip():
                attrs[target[5:]] = typed_value(value)
        else:
            std[target] = value
    return std, attrs


def standard_fields(std: dict[str, str], line: int) -> dict[str, object]:
    """The standard fields of a row without its identity, as a lead stores them."""
    fields: dict[str, object] = {k: v.strip() for k, v in std.items() if v.strip()}
    if "company_size" in std:
        size = parse_company_size(std["company_size"], line)
        fields.pop("company_size", None)
        if size is not None:
            fields["company_size"] = size
    return fields
