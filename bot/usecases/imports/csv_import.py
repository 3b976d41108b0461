"""Import a CSV file of leads or events in chunks, each chunk one transaction.

A chunk that the database refuses is halved and retried until the refused rows stand alone, so
one bad row costs only itself and no row is ever half-imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.ingest.csv_events import read_events
from bot.ingest.csv_files import open_csv
from bot.ingest.csv_leads import read_leads
from bot.ingest.records import EventIn, LeadIn, RowError
from bot.usecases.imports import pipelined_postgres
from bot.usecases.imports.bulk_events import EventImport
from bot.usecases.imports.chunks import good_batches
from bot.usecases.imports.gc_pause import paused_gc
from bot.usecases.ingest.record_events import EventBatchResult
from bot.usecases.ingest.upsert_leads import upsert_leads
from bot.usecases.lifecycle.context import open_ctx
from bot.usecases.lifecycle.scoring_pass import SettleSummary
from storage.db import session_scope
from storage.repositories import model_versions

Kind = Literal["leads", "events"]
CHUNK = 50_000


@dataclass
class ImportReport:
    path: Path
    kind: Kind
    rows: int = 0
    accepted: int = 0
    duplicates: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    settle: SettleSummary = field(default_factory=SettleSummary)

    @property
    def rejected(self) -> int:
        return len(self.errors)


def import_file(
    engine: Engine,
    path: Path,
    kind: Kind,
    *,
    now: datetime,
    actor: str,
    id_column: str | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    with paused_gc():
        return _import_file(
            engine,
            path,
            kind,
            now=now,
            actor=actor,
            id_column=id_column,
            chunk=chunk,
            progress=progress,
        )


def _import_file(
    engine: Engine,
    path: Path,
    kind: Kind,
    *,
    now: datetime,
    actor: str,
    id_column: str | None,
    chunk: int,
    progress: Callable[[int], None] | None,
) -> ImportReport:
    report = ImportReport(path, kind)
    source = open_csv(path)
    bulk_events = EventImport(now=now, actor=actor) if kind == "events" else None
    try:
        items: Iterator[LeadIn | EventIn | RowError] = (
            read_leads(source, id_column) if kind == "leads" else read_events(source, now)
        )
        batches: Iterator[list[LeadIn | EventIn]] = good_batches(
            items, chunk, report, rejected=progress
        )
        if bulk_events is not None and pipelined_postgres.worthwhile(engine):
            _ensure_model(engine, now)  # before two transactions at once could both create it
            pipelined_postgres.import_events(
                engine,
                batches,
                bulk_events,
                now=now,
                actor=actor,
                landed=lambda b, r: _count(report, r, b, progress),
                sequential=lambda b: _apply(
                    engine,
                    kind,
                    b,
                    report,
                    now=now,
                    actor=actor,
                    events=bulk_events,
                    progress=progress,
                ),
            )
        else:
            for batch in batches:
                _apply(
                    engine,
                    kind,
                    batch,
                    report,
                    now=now,
                    actor=actor,
                    events=bulk_events,
                    progress=progress,
                )
    finally:
        source.close()
        if bulk_events is not None:
            # even after an error: what was stored is scored
            report.settle.add(bulk_events.finish(engine))
    report.errors.sort(key=lambda e: e.line)
    return report


def _apply(
    engine: Engine,
    kind: Kind,
    batch: list[LeadIn | EventIn],
    report: ImportReport,
    *,
    now: datetime,
    actor: str,
    events: EventImport | None,
    progress: Callable[[int], None] | None = None,
) -> None:
    try:
        _run(engine, kind, batch, report, now=now, actor=actor, events=events)
    except BaseException as exc:
        if events is not None:  # whatever failed, the chunk's transaction is gone
            events.rolled_back()
        if not isinstance(exc, IntegrityError | DBAPIError):
            raise
        if len(batch) == 1:
            report.errors.append(
                RowError(batch[0].line, "", f"the database refused the row: {_short(exc)}")
            )
            if progress:
                progress(1)
            return
        half = len(batch) // 2  # halve until the culprits stand alone; keep every good row
        for part in (batch[:half], batch[half:]):  # each half counts its own rows
            _apply(
                engine, kind, part, report, now=now, actor=actor, events=events, progress=progress
            )
        return
    if progress:
        progress(len(batch))


def _run(
    engine: Engine,
    kind: Kind,
    batch: list[LeadIn | EventIn],
    report: ImportReport,
    *,
    now: datetime,
    actor: str,
    events: EventImport | None,
) -> None:
    with session_scope(engine) as session:
        ctx = open_ctx(session, now=now, actor=actor)
        if kind == "leads":
            res = upsert_leads(ctx, [b for b in batch if isinstance(b, LeadIn)])
        else:
            assert events is not None
            ev = events.add(ctx, [b for b in batch if isinstance(b, EventIn)])
    # counted once committed: a chunk that fails to commit is retried, not counted twice
    if kind == "leads":
        report.errors.extend(res.errors)
        report.created += res.created
        report.updated += res.updated
        report.unchanged += res.unchanged
        report.accepted += res.created + res.updated + res.unchanged
        report.settle.add(res.settle)
    else:
        _count(report, ev)


def _count(
    report: ImportReport,
    ev: EventBatchResult,
    batch: list[Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    report.accepted += ev.accepted
    report.duplicates += ev.duplicates
    report.created += ev.leads_created
    if batch is not None and progress:
        progress(len(batch))


def _ensure_model(engine: Engine, now: datetime) -> None:
    with session_scope(engine) as session:
        model_versions.ensure_active(session=session, now=now)


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
