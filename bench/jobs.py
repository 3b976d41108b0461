"""Benchmark of the scheduled jobs: the digest's numbers, the SLA check and the daily expiry,
each against the reference scan of bench/run.py measured in the same run.

    python bench/jobs.py                      # 100,000 leads, ~1,000,000 events, SQLite
    python bench/jobs.py --db postgres --leads 20000

The sample is imported and scored, then a week of decisions is added (up to --decisions MQLs,
promoted, recycled and disqualified in turn) so that the digest has something to count.
Nothing is asserted: it measures (target: each job at most 1× the scan).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import run as foundation  # bench/run.py: the sample, the engines, the reference scan
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.digest.numbers import digest_numbers
from bot.digest.weeks import week_before
from bot.jobs.expiry_job import EXPIRY
from bot.jobs.runner import run_job
from bot.jobs.sla_job import SLA
from bot.sample.generator import generate
from bot.settings import Settings
from bot.usecases.imports.csv_import import import_file
from bot.usecases.lifecycle.decisions import decide
from bot.usecases.lifecycle.rescore import rescore_all
from storage.db import make_engine, session_scope
from storage.repositories import sla as sla_repo
from storage.schema import upgrade

OUTCOMES = ("promote", "recycle", "disqualify")


def prepare(engine: Engine, data: Path, now: datetime, decisions: int) -> int:
    upgrade(engine)
    for kind in ("leads", "events"):
        import_file(engine, data / f"{kind}.csv", kind, now=now, actor="bench")  # type: ignore[arg-type]
    rescore_all(engine, now=now, actor="bench")
    with session_scope(engine) as s:
        mqls = [r[0] for r in sla_repo.open_mqls_since_before(s, now + timedelta(days=1))]
    for i, lead_id in enumerate(mqls[:decisions]):
        decide(
            engine,
            lead_id=lead_id,
            outcome=OUTCOMES[i % 3],
            actor="slack:UBENCH",
            now=now,
            reason="Bad timing" if i % 3 else None,
        )
    if engine.dialect.name == "postgresql":
        foundation.vacuum_analyze(engine)
    return len(mqls)


def run_one(engine: Engine, label: str, data: Path, now: datetime, decisions: int) -> None:
    print(f"\n== {label}")
    mqls = prepare(engine, data, now, decisions)
    print(f"  ({mqls:,} MQLs, {min(mqls, decisions):,} of them decided)")
    scans = [
        foundation.timed("reference: GROUP BY scan of events", foundation.reference_scan, engine)[0]
        for _ in range(2)
    ]
    ref = min(scans)
    settings = Settings(timezone="UTC")
    monday = now + timedelta(days=7 - now.weekday())
    week = week_before(monday, ZoneInfo("UTC"))

    def numbers() -> object:
        with session_scope(engine) as s:
            return digest_numbers(s, week, ZoneInfo("UTC"), now=monday)

    t_digest, _ = foundation.timed(f"digest numbers of {week.label}", numbers)
    t_sla, _ = foundation.timed(
        "SLA check (every open MQL late)",
        run_job,
        engine,
        SLA,
        now=now + timedelta(days=3),
        settings=settings,
        holder="bench",
    )
    t_expiry, _ = foundation.timed(
        "daily expiry (rescore one day later)",
        run_job,
        engine,
        EXPIRY,
        now=now + timedelta(days=1),
        settings=settings,
        holder="bench",
    )
    for name, t in (("digest", t_digest), ("SLA check", t_sla), ("expiry", t_expiry)):
        print(f"  -> {name} {t:.2f} s = {t / ref:.2f}× the scan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--decisions", type=int, default=2_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="sdrbot-bench-jobs-") as tmp:
        folder = Path(tmp)
        generate(args.leads, args.days, folder / "data", now=now)
        if args.db in ("sqlite", "both"):
            eng, label = foundation.sqlite_engine(folder)
            run_one(eng, label, folder / "data", now, args.decisions)
            eng.dispose()
        if args.db in ("postgres", "both"):
            found = foundation.pg_engine()
            if found is not None:
                eng, label, schema = found
                try:
                    run_one(eng, label, folder / "data", now, args.decisions)
                finally:
                    eng.dispose()
                    admin = make_engine(foundation.PG_URL)
                    with admin.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                    admin.dispose()


if __name__ == "__main__":
    main()
