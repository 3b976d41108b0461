"""CSV files of events: the identity, type and time columns, every other column an event
property, each row an EventIn or the error of its line. A million rows go through here, so the
row loop reads the file itself rather than through `CSVSource.rows`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from bot.ingest.csv_files import CSVFileError, CSVSource, header_key, nul_error, too_wide
from bot.ingest.records import (
    EventIn,
    Identity,
    RowError,
    RowRejected,
    normalise_event_type,
    parse_identity,
    parse_timestamp,
    typed_value,
)

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
                yield too_wide(line, len(values), width)
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
