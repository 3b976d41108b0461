"""The whole way, as a user would run it: import → alert → Claim → Promote/Recycle/Disqualify.

The bot runs as its own process over HTTP (`sdrbot run --http`) against the fake Slack, and
gets Slack's requests signed as Slack signs them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from storage.db import make_engine, session_scope
from storage.tables import Lead
from tests.cli.test_run import ROOT, free_port, wait_for
from tests.fakeslack import FakeSlack, running_fake_slack
from tests.slack.conftest import ALERTS, ANNA, BEN, HANDOVER
from tests.slack.requests import SECRET, block_action, headers, view_submission
from tests.storage.helpers import CEO, EVENT_HEADER, LEAD_HEADER, write_csv
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-c", "from bot.cli import main; main()"]
EMAILS = ("one@hotel.example", "two@hotel.example", "three@hotel.example")


class Running:
    def __init__(self, fake: FakeSlack, base: str, url: str, hooks: Receiver) -> None:
        self.fake, self.base, self.url, self.hooks = fake, base, url, hooks

    def post(self, body: str, **signing: Any) -> int:
        return httpx.post(
            f"{self.base}/slack/events", content=body, headers=headers(body, **signing)
        ).status_code

    def click(self, action: str, lead_id: int, user: str) -> None:
        assert (
            self.post(block_action(action, lead_id, user, trigger_id=self.fake.trigger_id())) == 200
        )

    def status(self, email: str) -> str:
        engine = make_engine(self.url)
        try:
            with session_scope(engine) as s:
                return s.exec(select(Lead.status).where(Lead.email == email)).one()
        finally:
            engine.dispose()

    def alert_of(self, lead_id: int) -> dict[str, Any]:
        return next(
            m
            for m in self.fake.messages(ALERTS)
            if (m.get("metadata") or {}).get("event_payload", {}).get("lead_id") == lead_id
        )


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    leads = [[email, f"CRM-{i}", *CEO[2:]] for i, email in enumerate(EMAILS)]
    events = [
        row
        for email in EMAILS
        for row in (
            [email, "webinar_attended", at, "", ""],
            [email, "page_view", at, "https://x.example/product/tour", ""],
        )
    ]
    write_csv(tmp_path / "leads.csv", LEAD_HEADER, leads)
    write_csv(tmp_path / "events.csv", EVENT_HEADER, events)
    hooks = Receiver()
    subprocess.run(
        [*CLI, "webhook", "add", hooks.url], cwd=tmp_path, env=env, check=True, capture_output=True
    )
    for kind in ("leads", "events"):
        subprocess.run(
            [*CLI, "import", kind, f"{kind}.csv"],
            cwd=tmp_path,
            env=env,
            check=True,
            capture_output=True,
        )
    with (
        hooks,
        running_fake_slack(
            channels={"sdr-alerts": ALERTS, "ae-handover": HANDOVER},
            users=[{"id": ANNA, "name": "anna"}, {"id": BEN, "name": "ben"}],
        ) as fake,
    ):
        port = free_port()
        env.update(
            {
                "SLACK_BOT_TOKEN": fake.token,
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": fake.base_url,
                "SDRBOT_ALERT_CHANNEL": ALERTS,
                "SDRBOT_HANDOVER_CHANNEL": HANDOVER,
            }
        )
        env.pop("SLACK_APP_TOKEN", None)
        bot = subprocess.Popen(
            [*CLI, "run", "--http", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            # the alerts leave at once now (a quiet channel takes a burst): the clicks must not
            # come before the HTTP server listens, which on a busy machine takes its imports'
            # half a minute
            wait_for(lambda: _ready(f"http://127.0.0.1:{port}"), 120)
            yield Running(fake, f"http://127.0.0.1:{port}", url, hooks)
        finally:
            bot.terminate()
            bot.wait(timeout=10)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz").status_code == 200
    except httpx.TransportError:
        return False


def lead_ids(run: Running) -> list[int]:
    wait_for(lambda: len(run.fake.messages(ALERTS)) == len(EMAILS), 30)
    return sorted(m["metadata"]["event_payload"]["lead_id"] for m in run.fake.messages(ALERTS))


def test_import_alert_claim_promote_recycle_disqualify_and_no_forgeries(running: Running) -> None:
    fake = running.fake
    one, two, three = lead_ids(running)
    assert "Anna Adler" in running.alert_of(one)["text"]

    forged = block_action("lead_claim", one, BEN)
    assert running.post(forged, secret="forged") == 401
    assert running.post(forged, ts=int(time.time()) - 301) == 401  # a replay, 5 minutes on

    running.click("lead_claim", one, ANNA)
    wait_for(lambda: f"<@{ANNA}>" in json.dumps(running.alert_of(one)["blocks"]))

    running.click("lead_promote", one, ANNA)
    wait_for(lambda: fake.calls_to("views.open", ok=True))
    [modal] = fake.views.values()
    assert modal["callback_id"] == "promote_submit"
    bant = {
        "budget": "confirmed",
        "authority": "decision_maker",
        "need": "urgent",
        "timing": "quarter",
        "pain_points": "Room rates are kept in spreadsheets",
        "notes": "Rolls out to 12 hotels in Q3",
    }
    assert running.post(view_submission("promote_submit", one, ANNA, bant)) == 200
    wait_for(lambda: fake.messages(HANDOVER))
    assert "Rolls out to 12 hotels" in json.dumps(fake.messages(HANDOVER)[0]["blocks"])

    for lead_id, action, callback, reason in (
        (two, "lead_recycle", "recycle_submit", "Bad timing"),
        (three, "lead_disqualify", "disqualify_submit", "Competitor"),
    ):
        running.click(action, lead_id, BEN)
        assert running.post(view_submission(callback, lead_id, BEN, {"reason": reason})) == 200

    def decided(lead_id: int) -> bool:
        return not any(b["type"] == "actions" for b in running.alert_of(lead_id)["blocks"])

    def replies() -> list[dict[str, Any]]:
        return [m for m in fake.messages(ALERTS) if m.get("thread_ts") not in (None, m["ts"])]

    wait_for(lambda: all(decided(lead_id) for lead_id in (one, two, three)))
    assert [running.status(e) for e in EMAILS] == ["sql", "recycled", "disqualified"]
    wait_for(lambda: len(replies()) == 4)  # the claim and the three decisions
    assert len(fake.messages(ALERTS)) == 3 + 4  # no alert was posted twice
    fake.assert_no_problems()
    # the CRM's webhook heard of every change, once, each lead's in order
    wait_for(lambda: len(running.hooks.received) == 6)
    by_lead: dict[int, list[str]] = {}
    for doc in running.hooks.documents():
        by_lead.setdefault(doc["data"]["lead"]["id"], []).append(doc["type"])
    assert by_lead == {
        one: ["lead.mql", "lead.sql"],
        two: ["lead.mql", "lead.recycled"],
        three: ["lead.mql", "lead.disqualified"],
    }
