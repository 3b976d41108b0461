"""Benchmark of the outbox: a burst of MQL alerts across several channels, at Slack's pace.

    python bench/slack_burst.py                        # 500 alerts, 5 channels, 1 msg/s each
    python bench/slack_burst.py --alerts 100 --rate 5  # quicker: the fake allows 5 msg/s

The fake Slack limits chat.postMessage per channel like Slack (a token bucket of the same short
burst the sender allows, 429 with Retry-After beyond it) and injects a burst of 429s and 500s on
top. The sender paces itself to the same rate and burst (bot/slack/pacing.py). Printed: the
time, the achieved rate against the theoretical one (channels × rate), how many 429s and 500s
were met, and whether every alert arrived exactly once.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import SQLModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.routing import Routing, Rule
from bot.slack.outbox import OutboxSender, make_client
from bot.slack.pacing import BURST
from storage.db import make_engine
from tests.factories import make_mql
from tests.fakeslack import running_fake_slack

COUNTRIES = ("DE", "FR", "IT", "ES", "NL", "PL", "SE", "DK", "NO", "FI")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=500)
    parser.add_argument("--channels", type=int, default=5)
    parser.add_argument("--rate", type=float, default=1.0, help="messages/s per channel")
    parser.add_argument("--burst", type=int, default=BURST, help="posts a quiet channel takes")
    args = parser.parse_args()
    channels = {f"sdr-{i}": f"C0BENCH{i:03d}" for i in range(args.channels)}
    ids = list(channels.values())
    rules = tuple(
        Rule(ids[i % len(ids)], country=frozenset({c.lower()})) for i, c in enumerate(COUNTRIES)
    )
    with tempfile.TemporaryDirectory() as tmp, running_fake_slack(channels=channels) as fake:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        SQLModel.metadata.create_all(engine)
        now = datetime.now(UTC)
        for i in range(args.alerts):
            make_mql(
                engine,
                now,
                email=f"lead{i}@bench.example",
                alert=True,
                country=COUNTRIES[i % len(COUNTRIES)],
            )
        fake.rate_limit("chat.postMessage", per_second=args.rate, burst=args.burst)
        fake.fail_next("chat.postMessage", 429, retry_after=1, times=5)
        fake.fail_next("chat.postMessage", 500, times=3)
        clock = [now]
        sender = OutboxSender(
            engine,
            make_client(fake.token, fake.base_url),
            lambda: clock[0],
            alert_channel=ids[0],
            handover_channel=ids[0],
            pace=1 / args.rate,
            burst=args.burst,
            routing=Routing(ids[0], rules),
            workers=len(ids),
        )
        started = time.perf_counter()
        sent = 0
        while sent < args.alerts:
            report = sender.drain_once()
            sent += report.sent
            if report.sent == 0:
                time.sleep(0.05)
            # backoff times are on the sender's clock; let it run with the wall clock
            clock[0] = now + timedelta(seconds=time.perf_counter() - started)
        elapsed = time.perf_counter() - started
        posted = [
            m["metadata"]["event_payload"]["lead_id"] for cid in ids for m in fake.messages(cid)
        ]
        statuses = Counter(c.status for c in fake.calls_to("chat.postMessage"))
        theoretical = len(ids) * args.rate
        print(
            f"{args.alerts} alerts to {len(ids)} channels at {args.rate:g} msg/s each, "
            f"bursts of {args.burst}"
        )
        print(f"  time                {elapsed:8.1f} s")
        print(
            f"  achieved rate       {args.alerts / elapsed:8.2f} msg/s "
            f"(theoretical {theoretical:g} msg/s: {args.alerts / elapsed / theoretical:.0%})"
        )
        print(f"  answers             {dict(sorted(statuses.items()))}")
        print(f"  delivered once each {len(posted) == len(set(posted)) == args.alerts}")
        fake.assert_no_problems()


if __name__ == "__main__":
    main()
