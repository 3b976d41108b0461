"""Import past SDR decisions from a CSV file: all of it, or nothing.

A decision file is history, and half of a history misleads (the digest would count the
promotes of one half and the disqualifications of none), so every row is checked first and
one transaction stores them all; any refused row, by its line and with its reason, leaves the
database as it was. Rows go in in time order, so a lead recycled and decided again later is
told in the order it happened. Nothing is sent to Slack for the past.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from bot.ingest.csv_files import open_csv
from bot.ingest.decisions import DecisionIn, read_decisions
from bot.ingest.records import RowError
from bot.usecases.ingest import identities
from bot.usecases.lifecycle.context import open_ctx
from bot.usecases.lifecycle.past_decisions import Refused, record_past_decision
from storage.db import session_scope
from storage.repositories import events as events_repo
from storage.repositories import leads as leads_repo


@dataclass
class DecisionReport:
    path: Path
    rows: int = 0
    recorded: int = 0
    duplicates: int = 0
    by_decision: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def stored(self) -> bool:
        return not self.errors


class _Refusals(Exception):
    """Rolls the transaction back once the refused rows are known."""


def import_decisions(engine: Engine, path: Path, *, now: datetime, actor: str) -> DecisionReport:
    report = DecisionReport(path)
    items: list[DecisionIn] = []
    source = open_csv(path)
    try:
        for item in read_decisions(source, now):
            report.rows += 1
            if isinstance(item, RowError):
                report.errors.append(item)
            else:
                items.append(item)
    finally:
        source.close()
    if report.errors or not items:
        return report
    try:
        with session_scope(engine) as session:
            _store(session, items, report, now=now, actor=actor)
            if report.errors:
                raise _Refusals
    except _Refusals:
        report.recorded, report.duplicates, report.by_decision = 0, 0, {}
    report.errors.sort(key=lambda e: e.line)
    return report


def _store(
    session: Any, items: list[DecisionIn], report: DecisionReport, *, now: datetime, actor: str
) -> None:
    ctx = open_ctx(session, now=now, actor=actor)
    found, _ = identities.resolve(session, [i.identity for i in items], create=False, now=now)
    known = [i for i in items if i.identity.key in found]
    for item in items:
        if item.identity.key not in found:
            column = "email" if item.identity.email else "id"
            report.errors.append(
                RowError(item.line, column, "no lead has it; import the lead first")
            )
    ids = sorted({found[i.identity.key] for i in known})
    events: dict[int, list[tuple[str, datetime, Any]]] = defaultdict(list)
    for lead_id, kind, at, props in events_repo.events_in_order(session, ids):
        events[lead_id].append((kind, at, props))
    for item in sorted(known, key=lambda i: (i.decided_at, i.line)):
        lead_id = found[item.identity.key]
        lead = leads_repo.lead_rows(session, [lead_id])[lead_id]  # read anew: rows move it
        try:
            verdict = record_past_decision(ctx, lead, item, events[lead_id])
        except Refused as exc:
            report.errors.append(RowError(item.line, exc.field, str(exc)))
            continue
        if verdict == "duplicate":
            report.duplicates += 1
        else:
            report.recorded += 1
            report.by_decision[item.decision] = report.by_decision.get(item.decision, 0) + 1
