"""CSV files of past leads with a known outcome, for `sdrbot calibrate --history`.

The columns are mapped as `sdrbot import leads` maps them (`bot.ingest.csv_leads`), so a rule
learned here tests the very field an imported lead carries. What makes the file unusable as a
whole (no label column, labels that are no outcome, an id used twice) is a HistoryError naming
what is wrong; a single row that the lead import would refuse is left out and reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.ingest.csv_files import CSVFileError, header_key, open_csv
from bot.ingest.csv_leads import lead_columns, split_row, standard_fields
from bot.ingest.records import RowError, RowRejected, parse_identity

OUTCOMES = {
    "1": True,
    "0": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "won": True,
    "lost": False,
    "converted": True,
    "not": False,
    "not converted": False,
    "not_converted": False,
}
ACCEPTED = "1/0, yes/no, true/false, won/lost, converted/not"
SHOWN = 10  # bad values or duplicate ids named in a message


class HistoryError(CSVFileError):
    """The history file cannot be learned from; nothing is written."""


@dataclass(frozen=True)
class HistoryRow:
    line: int
    key: str | None  # the lead's identity (e-mail or CRM id) when the file has one
    facts: dict[str, Any]
    label: bool


@dataclass
class History:
    path: Path
    label: str
    rows: list[HistoryRow] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)


def _column(header: Sequence[str], wanted: str, path: Path, what: str) -> str:
    for name in header:
        if name == wanted or header_key(name) == header_key(wanted):
            return name
    raise HistoryError(
        f"{path} has no column {wanted!r} ({what}); its columns are {', '.join(header)}"
    )


def read_history(
    path: Path, label: str, id_column: str | None = None, exclude: Sequence[str] = ()
) -> History:
    source = open_csv(path)
    try:
        label_name = _column(source.header, label, path, "the --label column")
        left_out = {label_name} | {
            _column(source.header, name, path, "given with --exclude") for name in exclude
        }
        used = [h for h in source.header if h not in left_out]
        mapping = lead_columns(used, id_column, path, require_identity=False)
        history = History(path, label_name)
        bad: Counter[str] = Counter()
        for line, row in source.rows():
            if isinstance(row, RowError):
                history.rejected.append(row)
                continue
            outcome = OUTCOMES.get(row.get(label_name, "").strip().casefold())
            if outcome is None:
                bad[row.get(label_name, "").strip() or "(empty)"] += 1
                continue
            try:
                history.rows.append(_row(mapping, row, line, outcome, id_column))
            except RowRejected as exc:
                history.rejected.append(exc.error)
    finally:
        source.close()
    if bad:
        raise HistoryError(_bad_labels(path, label_name, bad))
    _no_duplicates(path, history.rows)
    return history


def _row(
    mapping: dict[str, str], row: dict[str, str], line: int, outcome: bool, id_column: str | None
) -> HistoryRow:
    std, attrs = split_row(mapping, {k: v for k, v in row.items() if k in mapping})
    email, external = std.pop("email", None), std.pop("external_id", None)
    key = None
    if (email or "").strip() or (external or "").strip():
        key = parse_identity(email, external, line, id_column or "id").key
    # a blank value is named too, so that a column empty in every row is seen and reported
    facts: dict[str, Any] = {
        **{target[5:]: None for target in mapping.values() if target.startswith("attr:")},
        **attrs,
        **dict.fromkeys(std),
        **standard_fields(std, line),
    }
    if key is not None and key.startswith("e:"):
        facts["email_domain"] = key.rsplit("@", 1)[1]  # as scoring.facts derives it
    return HistoryRow(line, key, facts, outcome)


def _bad_labels(path: Path, label: str, bad: Counter[str]) -> str:
    named = ", ".join(f"{value!r} ({count})" for value, count in bad.most_common(SHOWN))
    more = f" and {len(bad) - SHOWN} more" if len(bad) > SHOWN else ""
    return (
        f"{path}: the label column {label!r} holds values that are no outcome: {named}{more}. "
        f"Accepted (any case): {ACCEPTED}; fix or remove those rows"
    )


def _no_duplicates(path: Path, rows: Sequence[HistoryRow]) -> None:
    lines: dict[str, list[int]] = {}
    for row in rows:
        if row.key is not None:
            lines.setdefault(row.key, []).append(row.line)
    twice = [(key, at) for key, at in lines.items() if len(at) > 1]
    if twice:
        named = "; ".join(
            f"{key[2:]!r} on lines {', '.join(map(str, at))}" for key, at in twice[:SHOWN]
        )
        more = f" and {len(twice) - SHOWN} more" if len(twice) > SHOWN else ""
        raise HistoryError(
            f"{path}: {len(twice)} lead(s) appear more than once: {named}{more}. Each lead "
            "must have one row with its final outcome; remove the repeated rows"
        )
