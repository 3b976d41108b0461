"""As a user would: `sdrbot serve`, a key and a webhook from the command line, a `track` call
that makes an MQL, and the signed document at the receiver."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.webhooks import signing
from tests.cli.test_run import ROOT, free_port, wait_for
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-c", "from bot.cli import main; main()"]


def test_a_track_call_that_makes_an_mql_reaches_the_webhook(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "PYTHONPATH": str(ROOT),
    }
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SDRBOT_CONFIG"):
        env.pop(name, None)

    def cli(*args: str) -> str:
        return subprocess.run(
            [*CLI, *args], cwd=tmp_path, env=env, check=True, capture_output=True, text=True
        ).stdout

    with Receiver() as receiver:
        key = re.search(r"sdr_\S+", cli("apikey", "create", "website"))
        secret = re.search(r"whsec_\S+", cli("webhook", "add", receiver.url))
        assert key and secret
        port = free_port()
        server = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), "--host", "127.0.0.1"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}/api/v1"
            auth = {"Authorization": f"Bearer {key.group(0)}"}
            wait_for(lambda: _up(base), 30)
            at = datetime.now(UTC).isoformat()
            for path, body in (
                (
                    "identify",
                    {"userId": "crm-42", "traits": {"email": "anna@hotel.example", "title": "CEO"}},
                ),
                ("track", {"userId": "crm-42", "event": "Webinar Attended", "timestamp": at}),
                (
                    "track",
                    {
                        "userId": "crm-42",
                        "event": "Page Viewed",
                        "timestamp": at,
                        "properties": {"url": "https://x.example/product"},
                    },
                ),
            ):
                assert httpx.post(f"{base}/{path}", json=body, headers=auth).status_code == 200
            wait_for(lambda: receiver.received, 15)
        finally:
            server.terminate()
            server.wait(timeout=10)
    [got] = receiver.received
    assert got.document["type"] == "lead.mql"
    assert got.document["data"]["lead"]["email"] == "anna@hotel.example"
    assert signing.verify(
        secret.group(0),
        timestamp=got.headers["x-sdrbot-timestamp"],
        signature_header=got.headers["x-sdrbot-signature"],
        body=got.body,
        now=time.time(),
    )


def _up(base: str) -> bool:
    try:
        return httpx.post(f"{base}/track", json={}).status_code == 401
    except httpx.TransportError:
        return False
