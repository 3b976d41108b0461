"""Import CRM outcomes from a CSV file: bad rows are reported by line, good rows are kept.

Outcome files are small (one row per deal), so each chunk is one transaction, and a row the
lifecycle refuses (a lost deal of a lead already won) is reported without touching the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.ingest.csv_files import open_csv
from bot.ingest.outcomes import OutcomeIn, read_outcomes
from bot.ingest.records import RowError
from bot.usecases.imports.chunks import good_batches
from bot.usecases.lifecycle.context import open_ctx
from bot.usecases.lifecycle.crm_outcomes import TransitionError, UnknownLead, record_outcome
from storage.db import session_scope

CHUNK = 1000


@dataclass
class OutcomeReport:
    path: Path
    rows: int = 0
    recorded: int = 0
    duplicates: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def import_outcomes(engine: Engine, path: Path, *, now: datetime, actor: str) -> OutcomeReport:
    report = OutcomeReport(path)
    source = open_csv(path)
    try:
        for batch in good_batches(read_outcomes(source, now), CHUNK, report):
            _apply(engine, batch, report, now=now, actor=actor)
    finally:
        source.close()
    report.errors.sort(key=lambda e: e.line)
    return report


def _apply(
    engine: Engine, batch: list[OutcomeIn], report: OutcomeReport, *, now: datetime, actor: str
) -> None:
    if not batch:
        return
    with session_scope(engine) as session:
        ctx = open_ctx(session, now=now, actor=actor)
        for item in batch:
            try:
                verdict = record_outcome(ctx, item)
            except UnknownLead as exc:
                field_name = "email" if item.identity.email else "id"
                report.errors.append(RowError(item.line, field_name, str(exc)))
                continue
            except TransitionError as exc:
                report.errors.append(RowError(item.line, "stage", str(exc)))
                continue
            if verdict == "recorded":
                report.recorded += 1
            elif verdict == "duplicate":
                report.duplicates += 1
            else:
                report.unchanged += 1
