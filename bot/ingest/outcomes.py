"""CRM outcomes (opportunity, won, lost) from a CSV file, validated row by row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from bot.ingest.csv_files import CSVFileError, CSVSource, header_key
from bot.ingest.records import Identity, RowError, RowRejected, parse_identity, parse_timestamp

STAGES = ("opportunity", "won", "lost")
COLUMNS = {
    "email": "email",
    "e_mail": "email",
    "id": "external_id",
    "external_id": "external_id",
    "user_id": "external_id",
    "userid": "external_id",
    "crm_id": "external_id",
    "stage": "stage",
    "status": "stage",
    "outcome": "stage",
    "amount": "amount",
    "value": "amount",
    "timestamp": "timestamp",
    "occurred_at": "timestamp",
    "date": "timestamp",
    "message_id": "message_id",
    "messageid": "message_id",
    "event_id": "message_id",
}


@dataclass
class OutcomeIn:
    identity: Identity
    stage: str  # one of STAGES
    at: datetime
    amount: float | None = None
    message_id: str | None = None
    line: int = 0


def parse_stage(raw: str, line: int, field: str = "stage") -> str:
    stage = raw.strip().lower()
    if stage not in STAGES:
        raise RowRejected(
            RowError(line, field, f"{raw!r} is not a stage; use one of {', '.join(STAGES)}")
        )
    return stage


# a comma is taken as a thousands separator only where it groups by three ("1,250.50"); in
# "12,50" or "1.250,50" it is a decimal comma, and stripping it would make 12.50 into 1250
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_amount(raw: str, line: int) -> float | None:
    text = raw.strip().replace("_", "")
    if not text:
        return None
    if "," in text:
        if not _GROUPED.match(text):
            raise RowRejected(
                RowError(
                    line,
                    "amount",
                    f"{raw!r} has a decimal comma or a "
                    "comma that does not group thousands; write it like "
                    "12.50 (a point before the decimals, thousands as 1250 "
                    "or 1,250)",
                )
            )
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise RowRejected(
            RowError(
                line,
                "amount",
                f"{raw!r} is not a number; write e.g. 12500 or 12500.50, without a currency",
            )
        ) from None
    if not 0 <= value <= 1e15:
        raise RowRejected(RowError(line, "amount", f"{raw!r} must be 0 or more"))
    return value


def read_outcomes(source: CSVSource, now: datetime) -> Iterator[OutcomeIn | RowError]:
    mapping = {name: COLUMNS.get(header_key(name)) for name in source.header}
    targets = set(mapping.values())
    missing = [] if {"email", "external_id"} & targets else ["email (or id)"]
    if "stage" not in targets:
        missing.append("stage")
    if missing:
        raise CSVFileError(
            f"{source.path} lacks the column(s) {', '.join(missing)} (its "
            f"columns: {', '.join(source.header)}); an outcome row needs email "
            "or id, and stage"
        )
    for line, row in source.rows():
        if isinstance(row, RowError):
            yield row
            continue
        values = {target: row.get(name, "") or "" for name, target in mapping.items() if target}
        try:
            identity = parse_identity(values.get("email"), values.get("external_id"), line)
            stage = parse_stage(values.get("stage", ""), line)
            raw_time = values.get("timestamp", "")
            at = parse_timestamp(raw_time, line, "timestamp", now=now) if raw_time.strip() else now
            yield OutcomeIn(
                identity,
                stage,
                at,
                parse_amount(values.get("amount", ""), line),
                values.get("message_id", "").strip() or None,
                line,
            )
        except RowRejected as exc:
            yield exc.error
