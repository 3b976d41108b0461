"""Past SDR decisions (promote, recycle, disqualify) from a CSV file, validated row by row.

A row is one MQL episode the team handled before sdrbot knew of it: when the lead was alerted
(optional) and when and how an SDR decided it. Only the past can be imported: a decision
dated after the import's moment is refused, as is an alert dated after its decision.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from bot.ingest.csv_files import CSVFileError, CSVSource, header_key
from bot.ingest.records import Identity, RowError, RowRejected, parse_identity, parse_timestamp
from scoring.lifecycle import Decision

DECISIONS = tuple(d.value for d in Decision)
MAX_REASON = 200  # the decision table's column
MAX_BY = 100  # leaves room in the 120 characters of decided_by for the "import:" prefix
COLUMNS = {
    "email": "email",
    "e_mail": "email",
    "id": "external_id",
    "external_id": "external_id",
    "crm_id": "external_id",
    "user_id": "external_id",
    "decision": "decision",
    "outcome": "decision",
    "decided_at": "decided_at",
    "timestamp": "decided_at",
    "date": "decided_at",
    "alerted_at": "alerted_at",
    "mql_at": "alerted_at",
    "reason": "reason",
    "notes": "notes",
    "decided_by": "decided_by",
    "sdr": "decided_by",
}


@dataclass(frozen=True)
class DecisionIn:
    identity: Identity
    decision: str  # one of DECISIONS
    decided_at: datetime
    alerted_at: datetime | None
    reason: str | None
    notes: str | None
    decided_by: str | None
    line: int


def read_decisions(source: CSVSource, now: datetime) -> Iterator[DecisionIn | RowError]:
    """The file's rows as decisions or as the error that keeps each one out."""
    mapping = {name: COLUMNS.get(header_key(name)) for name in source.header}
    targets = set(mapping.values())
    missing = [] if {"email", "external_id"} & targets else ["email (or id)"]
    missing += [c for c in ("decision", "decided_at") if c not in targets]
    if missing:
        raise CSVFileError(
            f"{source.path} lacks the column(s) {', '.join(missing)} (its columns: "
            f"{', '.join(source.header)}); a decision row needs email or id, decision and "
            "decided_at"
        )
    for line, row in source.rows():
        if isinstance(row, RowError):
            yield row
            continue
        values = {
            target: (row.get(name) or "").strip() for name, target in mapping.items() if target
        }
        try:
            yield _decision(values, line, now)
        except RowRejected as exc:
            yield exc.error


def _decision(values: dict[str, str], line: int, now: datetime) -> DecisionIn:
    identity = parse_identity(values.get("email"), values.get("external_id"), line)
    decision = values.get("decision", "").lower()
    if decision not in DECISIONS:
        raise RowRejected(
            RowError(
                line,
                "decision",
                f"{values.get('decision', '')!r} is not a decision; use one of "
                f"{', '.join(DECISIONS)}",
            )
        )
    decided_at = _past(values.get("decided_at", ""), line, "decided_at", now)
    alerted_at = None
    if values.get("alerted_at"):
        alerted_at = _past(values["alerted_at"], line, "alerted_at", now)
        if alerted_at > decided_at:
            raise RowRejected(
                RowError(
                    line,
                    "alerted_at",
                    f"{alerted_at.isoformat()} comes after decided_at {decided_at.isoformat()}; "
                    "an MQL is alerted before it is decided",
                )
            )
    return DecisionIn(
        identity,
        decision,
        decided_at,
        alerted_at,
        _bounded(values.get("reason", ""), MAX_REASON, line, "reason"),
        values.get("notes") or None,
        _bounded(values.get("decided_by", ""), MAX_BY, line, "decided_by"),
        line,
    )


def _past(raw: str, line: int, field: str, now: datetime) -> datetime:
    moment = parse_timestamp(raw, line, field, now=now)
    if moment > now:
        raise RowRejected(
            RowError(
                line,
                field,
                f"{raw!r} lies in the future; only decisions already made can be imported",
            )
        )
    return moment


def _bounded(text: str, limit: int, line: int, field: str) -> str | None:
    if len(text) > limit:
        raise RowRejected(
            RowError(line, field, f"has {len(text)} characters; at most {limit} fit, shorten it")
        )
    return text or None
