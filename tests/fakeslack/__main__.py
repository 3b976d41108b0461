"""`python -m tests.fakeslack --port 8765`: the fake as its own process for end-to-end runs."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from bot.sandbox.slackapi.server import DEFAULT_TOKEN, FakeSlack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakeslack")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 lets the OS choose")
    parser.add_argument(
        "--token", action="append", help=f"an accepted token (default {DEFAULT_TOKEN})"
    )
    parser.add_argument("--channel", action="append", default=[], metavar="NAME[=ID]")
    parser.add_argument("--user", action="append", default=[], metavar="ID:NAME[:EMAIL]")
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="record unknown arguments as problems instead of failing the call",
    )
    opts = parser.parse_args(argv)

    channels: dict[str, str | None] = {}
    for spec in opts.channel:
        name, _, channel_id = spec.partition("=")
        channels[name] = channel_id or None
    users = []
    for spec in opts.user:
        user_id, name, *rest = spec.split(":")
        users.append({"id": user_id, "name": name, "email": rest[0] if rest else None})
    fake = FakeSlack(
        tokens=opts.token or [DEFAULT_TOKEN],
        channels=channels,
        users=users,
        host=opts.host,
        port=opts.port,
        strict_args=not opts.lenient,
    )
    fake.start()
    print(f"fakeslack listening on {fake.base_url}", flush=True)

    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
