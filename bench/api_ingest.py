"""Benchmark of the ingest API: throughput of /api/v1/batch, and the latency to the MQL alert.

    python bench/api_ingest.py                          # SQLite and PostgreSQL (if reachable)
    python bench/api_ingest.py --db sqlite --events 20000 --leads 200

1. Throughput: `sdrbot serve` as a real process; several clients post batches of 100 track calls
   (scoring on, every event in its request's transaction). Reference in the same run: the raw
   insert rate of the same database for the same number of rows (one executemany, no scoring).
2. Latency (SQLite): `sdrbot run --http` as a real process against the fake Slack. For each of
   N leads a demo request (a hand-raiser: MQL at once) is sent, and the time until the fake
   receives the alert's chat.postMessage is measured; p50 and p95 are printed. Requests are
   spread over several routed channels, slower than the pace the bot keeps per channel, so the
   figure is the bot's own delay, not Slack's rate limit.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.usecases.admin import api_keys as apikeys  # noqa: E402
from storage.db import make_engine, session_scope, with_schema  # noqa: E402
from storage.schema import upgrade  # noqa: E402
from tests.fakeslack import running_fake_slack  # noqa: E402

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
SDRBOT = str(Path(sys.executable).with_name("sdrbot"))
KINDS = [
    ("Page Viewed", {"url": "https://x.example/product/tour"}),
    ("page_view", {"url": "https://x.example/blog/a"}),
    ("Webinar Attended", {}),
    ("newsletter_open", {}),
    ("content_download", {"asset_type": "whitepaper"}),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(args: list[str], env: dict[str, str], url: str, cwd: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [SDRBOT, *args],
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # a worker of `serve --workers` can take half a minute to start on a loaded machine
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"sdrbot {' '.join(args)} did not answer at {url}")


def new_key(url: str) -> str:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        key = apikeys.create(
            session, f"bench-{uuid.uuid4().hex[:6]}", now=datetime.now(UTC), actor="bench"
        )
    engine.dispose()
    return key.secret


def batches(events: int, leads: int, size: int = 100) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    out = []
    for start_at in range(0, events, size):
        calls = []
        for i in range(start_at, min(start_at + size, events)):
            name, props = KINDS[i % len(KINDS)]
            calls.append(
                {
                    "type": "track",
                    "userId": f"lead-{i % leads}",
                    "event": name,
                    "properties": props,
                    "messageId": f"m-{i}",
                    "timestamp": (now - timedelta(minutes=i % 5000)).isoformat(),
                }
            )
        out.append({"batch": calls})
    return out


def throughput(
    url: str, label: str, events: int, leads: int, clients: int, folder: Path, workers: int
) -> None:
    key = new_key(url)
    port = free_port()
    server = start(
        ["serve", "--port", str(port), "--host", "127.0.0.1", "--workers", str(workers)],
        {"DATABASE_URL": url},
        f"http://127.0.0.1:{port}/docs",
        folder,
    )
    # encoded before the clock starts: the load generator shares the two cores with the server,
    # and its JSON encoding is no part of the server's work
    work = [orjson.dumps(body) for body in batches(events, leads)]
    lock = threading.Lock()
    failures: list[str] = []

    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def client() -> None:
        # the standard library's client: it costs a fifth of httpx's CPU per request, which
        # the server would otherwise lose on the same two cores; it reconnects by itself when
        # the server closes a connection
        http = HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while True:
                with lock:
                    if not work:
                        return
                    body = work.pop()
                http.request("POST", "/api/v1/batch", body=body, headers=headers)
                answer = http.getresponse()
                text = answer.read()
                if answer.status != 200:
                    failures.append(f"{answer.status} {text[:200]!r}")
        finally:
            http.close()

    try:
        started, own_cpu = time.perf_counter(), time.process_time()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        own_cpu = time.process_time() - own_cpu
    finally:
        server.terminate()
        server.wait(timeout=10)
    reference = raw_insert_rate(url, events)
    rate = events / elapsed
    print(
        f"  {label}: {events:,} events in batches of 100 from {clients} clients, "
        f"{workers} server process(es): "
        f"{elapsed:.2f} s = {rate:,.0f} events/s (target ≥ 5,000)"
        f"{'; FAILURES: ' + failures[0] if failures else ''}"
    )
    print(f"  {label}: the clients used {own_cpu / elapsed:.0%} of one core of the same machine")
    print(
        f"  {label}: raw insert rate of the database for the same rows: {reference:,.0f} "
        f"rows/s; the API reaches {rate / reference:.1%} of it"
    )


def raw_insert_rate(url: str, rows: int) -> float:
    engine = make_engine(url)
    now = datetime.now(UTC)
    params = [
        (i % 1000, "page_view", now.isoformat(), '{"url": "https://x.example/"}', i)
        for i in range(rows)
    ]
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE bench_raw (lead_id integer, type varchar(100), "
            "occurred_at varchar(40), properties text, key bigint)"
        )
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO bench_raw VALUES ({', '.join([mark] * 5)})", params)
    elapsed = time.perf_counter() - started
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE bench_raw")
    engine.dispose()
    return rows / elapsed


def latency(folder: Path, leads: int, channels: int, interval: float) -> None:
    url = f"sqlite:///{folder / 'latency.db'}"
    key = new_key(url)
    names = {f"sdr-{i}": f"C0LATENC{i:02d}" for i in range(channels)}
    ids = list(names.values())
    config = folder / "sdrbot.toml"
    rules = "\n".join(
        f'[[routing.rules]]\nchannel = "{cid}"\ncountry = "C{i}"\n' for i, cid in enumerate(ids)
    )
    config.write_text(f"[outbox]\npace_seconds = 1.0\n\n{rules}", encoding="utf-8")
    with running_fake_slack(channels=names) as fake:
        port = free_port()
        env = {
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": fake.token,
            "SLACK_SIGNING_SECRET": "bench-secret",
            "SLACK_API_URL": fake.base_url,
            "SDRBOT_ALERT_CHANNEL": ids[0],
            "SDRBOT_HANDOVER_CHANNEL": ids[0],
            "SDRBOT_CONFIG": str(config),
        }
        bot = start(
            ["run", "--http", "--port", str(port), "--host", "127.0.0.1"],
            env,
            f"http://127.0.0.1:{port}/healthz",
            folder,
        )
        sent: dict[str, float] = {}
        try:
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}",
                timeout=30,
                headers={"Authorization": f"Bearer {key}"},
            ) as http:
                for i in range(leads):
                    user = f"lat-{i}"
                    http.post(
                        "/api/v1/identify",
                        json={
                            "userId": user,
                            "traits": {
                                "email": f"{user}@bench.example",
                                "country": f"C{i % channels}",
                            },
                        },
                    )
                    sent[user] = time.time()
                    answer = http.post(
                        "/api/v1/track", json={"userId": user, "event": "demo_request"}
                    )
                    answer.raise_for_status()
                    time.sleep(interval)
            deadline = time.time() + 60
            while (
                len(fake.calls_to("chat.postMessage", ok=True)) < leads and time.time() < deadline
            ):
                time.sleep(0.2)
        finally:
            bot.terminate()
            bot.wait(timeout=10)
        posted = {}
        for call in fake.calls_to("chat.postMessage", ok=True):
            meta = call.args.get("metadata") or {}
            lead_id = (meta.get("event_payload") or {}).get("lead_id")
            posted.setdefault(lead_id, call.at)
    engine = make_engine(url)
    with engine.connect() as conn:
        ids_by_user = dict(conn.execute(text("SELECT external_id, id FROM lead")).all())
    engine.dispose()
    delays = [posted[ids_by_user[u]] - t for u, t in sent.items() if ids_by_user.get(u) in posted]
    if len(delays) < 2:
        print(f"  latency: only {len(delays)} of {leads} alerts arrived")
        return
    q = statistics.quantiles(delays, n=100)
    print(
        f"  latency from the request that makes an MQL to chat.postMessage at the fake, "
        f"{len(delays)} of {leads} leads, {channels} channels, a request every "
        f"{interval:.2f} s: p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms "
        f"(target p95 < 1,000 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--leads", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--latency-leads", type=int, default=200)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="sdrbot serve --workers"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sdrbot-api-bench-") as tmp:
        folder = Path(tmp)
        if args.db in ("sqlite", "both"):
            throughput(
                f"sqlite:///{folder / 'api.db'}",
                "SQLite",
                args.events,
                args.leads,
                args.clients,
                folder,
                args.workers,
            )
        if args.db in ("postgres", "both"):
            schema = "bench_" + uuid.uuid4().hex[:8]
            admin = make_engine(PG_URL)
            try:
                with admin.begin() as conn:
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            except Exception as exc:
                print(f"  PostgreSQL skipped: not reachable at {PG_URL} ({type(exc).__name__})")
            else:
                try:
                    throughput(
                        with_schema(PG_URL, schema),
                        "PostgreSQL",
                        args.events,
                        args.leads,
                        args.clients,
                        folder,
                        args.workers,
                    )
                finally:
                    with admin.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        latency(folder, args.latency_leads, channels=5, interval=0.25)


if __name__ == "__main__":
    main()
