"""`sdrbot serve --workers 2` on SQLite, with clients whose batches all name the same few leads:
each worker scores its requests before it takes the write lock, so nearly every write finds its
leads changed by the other worker in between. Every event must still be in its lead's state
once: the states stored are the states rebuilt from the events stored."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import text

from bot.usecases.lifecycle.scoring_pass import Ctx, rebuild_states
from scoring.state import LeadState
from storage.db import make_engine, session_scope
from storage.repositories import model_versions as models
from tests.api.test_concurrency import rounded
from tests.cli.test_run import ROOT, free_port, wait_for
from tests.e2e.test_webhooks import _up

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-c", "from bot.cli import main; main()"]
LEADS, BATCHES, PER_BATCH, CLIENTS = 8, 60, 40, 4
KINDS = ["Webinar Attended", "newsletter_open", "Page Viewed", "content_download"]


def test_two_workers_writing_the_same_leads_lose_no_event(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SDRBOT_CONFIG"):
        env.pop(name, None)
    created = subprocess.run(
        [*CLI, "apikey", "create", "load"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    key = re.search(r"sdr_\S+", created)
    assert key
    now = datetime.now(UTC)
    bodies = [
        orjson.dumps(
            {
                "batch": [
                    {
                        "type": "track",
                        "userId": f"lead-{i % LEADS}",
                        "event": KINDS[i % len(KINDS)],
                        "messageId": f"m-{b}-{i}",
                        "properties": {"url": "https://x.example/product"},
                        "timestamp": (now - timedelta(minutes=b * PER_BATCH + i)).isoformat(),
                    }
                    for i in range(PER_BATCH)
                ]
            }
        )
        for b in range(BATCHES)
    ]
    codes: list[int] = []
    lock = threading.Lock()
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--host", "127.0.0.1", "--workers", "2"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/v1"

    def client() -> None:
        with httpx.Client(
            base_url=base,
            timeout=60,
            headers={"Authorization": f"Bearer {key.group(0)}", "Content-Type": "application/json"},
        ) as http:
            while True:
                with lock:
                    if not bodies:
                        return
                    body = bodies.pop()
                codes.append(http.post("/batch", content=body).status_code)

    try:
        wait_for(lambda: _up(base), 30)
        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert codes == [200] * BATCHES
    engine = make_engine(url)
    with session_scope(engine) as s:
        assert s.execute(text("SELECT count(*) FROM event")).scalar() == BATCHES * PER_BATCH
        stored = dict(s.execute(text("SELECT lead_id, state FROM lead_score")).all())
        assert len(stored) == LEADS
        version, model = models.active_model(session=s, now=now)
        rebuilt = rebuild_states(Ctx(s, model, version, now, "test"), list(stored))
    engine.dispose()
    for lead_id, state in stored.items():
        got = LeadState.from_json(orjson.loads(state) if isinstance(state, str) else state)
        # the same events folded in another order: equal up to float rounding, `lp` included
        assert rounded(got.to_json()) == rounded(rebuilt[lead_id].to_json()), lead_id
