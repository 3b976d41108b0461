"""Benchmark of the foundation: import, rescore, against a plain SQL scan measured in the same run.

    python bench/run.py                       # 100,000 leads, ~1,000,000 events, SQLite
    python bench/run.py --db postgres         # the same on PostgreSQL (TEST_DATABASE_URL)
    python bench/run.py --leads 5000 --db both

Figures are printed as seconds, rates and ratios against the reference scan
(`SELECT lead_id, type, count(*) FROM event GROUP BY lead_id, type`), because absolute seconds
depend on the machine and ratios much less. Nothing here is asserted: it measures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.ingest.csv_files import count_rows
from bot.sample.generator import generate
from bot.usecases.imports.csv_import import import_file
from bot.usecases.lifecycle.rescore import rescore_all
from storage.db import make_engine, with_schema
from storage.schema import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    elapsed = time.perf_counter() - start
    print(f"  {label:<34} {elapsed:8.2f} s", flush=True)
    return elapsed, result


def reference_scan(engine: Engine) -> int:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT lead_id, type, count(*) FROM event GROUP BY lead_id, type")
        ).fetchall()
    return len(rows)


def vacuum_analyze(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def sqlite_engine(folder: Path) -> tuple[Engine, str]:
    return make_engine(f"sqlite:///{folder / 'bench.db'}"), "SQLite (file, WAL)"


def pg_engine() -> tuple[Engine, str, str] | None:
    schema = "bench_" + uuid.uuid4().hex[:8]
    try:
        admin = make_engine(PG_URL, connect_args={"connect_timeout": 3})
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"PostgreSQL skipped: not reachable at {PG_URL} ({type(exc).__name__}).")
        return None
    eng = make_engine(with_schema(PG_URL, schema))
    return eng, "PostgreSQL", schema


def run_one(engine: Engine, label: str, data: Path, now: datetime) -> dict[str, float]:
    print(f"\n== {label}")
    upgrade(engine)
    events = count_rows(data / "events.csv")
    leads = count_rows(data / "leads.csv")
    t_leads, _ = timed(
        f"import {leads:,} leads",
        import_file,
        engine,
        data / "leads.csv",
        "leads",
        now=now,
        actor="bench",
    )
    t_events, report = timed(
        f"import {events:,} events",
        import_file,
        engine,
        data / "events.csv",
        "events",
        now=now,
        actor="bench",
    )
    assert report.accepted == events, (report.accepted, events, report.errors[:3])
    if engine.dialect.name == "postgresql":
        # autovacuum would do this within a minute of the import; done now, it cannot land in
        # the middle of a timing below (it did, and moved the rescore figures by a third)
        timed("maintenance: VACUUM ANALYZE", vacuum_analyze, engine)
    t_scan, groups = timed("reference: GROUP BY scan of events", reference_scan, engine)
    t_scan2, _ = timed("reference again (warm)", reference_scan, engine)
    ref = min(t_scan, t_scan2)
    t_same, same = timed("rescore at import time", rescore_all, engine, now=now, actor="bench")
    t_day, day = timed(
        "rescore one day later", rescore_all, engine, now=now + timedelta(days=1), actor="bench"
    )
    t_all, _ = timed(
        "rescore one day later, --all",
        rescore_all,
        engine,
        now=now + timedelta(days=1, minutes=1),
        actor="bench",
        force=True,
    )
    figures = {
        "leads_per_s": leads / t_leads,
        "events_per_s": events / t_events,
        "scan_s": ref,
        "rescore_day_ratio": t_day / ref,
        "rescore_all_ratio": t_all / ref,
    }
    print(
        f"  -> events import {figures['events_per_s']:,.0f} events/s "
        f"(target ≥ 20,000; {t_events / ref:.1f}× the scan)"
    )
    print(f"  -> leads import {figures['leads_per_s']:,.0f} leads/s")
    print(f"  -> reference scan {ref:.2f} s over {groups:,} groups")
    print(
        f"  -> rescore at import time {t_same:.2f} s = {t_same / ref:.2f}× the scan "
        f"({same.scored:,} leads due)"
    )
    print(
        f"  -> rescore a day later {t_day:.2f} s = {t_day / ref:.2f}× the scan "
        f"({day.scored:,} leads due; target ≤ 2×)"
    )
    print(f"  -> rescore of every lead (--all) {t_all:.2f} s = {t_all / ref:.2f}× the scan")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="sdrbot-bench-") as tmp:
        folder = Path(tmp)
        _, summary = timed(
            f"generate {args.leads:,} leads",
            generate,
            args.leads,
            args.days,
            folder / "data",
            now=now,
        )
        print(f"  ({summary.events:,} events)")
        if args.db in ("sqlite", "both"):
            eng, label = sqlite_engine(folder)
            run_one(eng, label, folder / "data", now)
            eng.dispose()
        if args.db in ("postgres", "both"):
            found = pg_engine()
            if found is not None:
                eng, label, schema = found
                try:
                    run_one(eng, label, folder / "data", now)
                finally:
                    eng.dispose()
                    admin = make_engine(PG_URL)
                    with admin.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                    admin.dispose()


if __name__ == "__main__":
    main()
