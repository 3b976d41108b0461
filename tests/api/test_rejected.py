"""Nothing lost, nothing half-stored: a batch's valid calls are stored and scored, its invalid
ones kept as rejected calls (raw, reason, key, time), listed, warned of and replayed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.cli.common import console, state
from bot.http.api.app import create_api_app
from bot.ingest.event_map import EventMap
from bot.slack.doctor import check_rejected
from bot.usecases.ingest.rejected import listing
from storage.db import make_engine
from storage.schema import upgrade
from tests.api.conftest import make_key
from tests.api.helpers import count, lead, rows
from tests.conftest import NOW


def _tracks(n: int) -> list[dict[str, Any]]:
    return [
        {"type": "track", "userId": f"t-{i}", "event": "Webinar Attended", "messageId": f"t-{i}"}
        for i in range(n)
    ]


def test_one_bad_call_among_twenty_good_ones_loses_nothing(
    client: TestClient, engine: Engine
) -> None:
    bad = {"type": "identify", "userId": "bad-1", "traits": {"email": "n/a"}}
    body = {"context": {"library": {"name": "x"}}, "batch": [*_tracks(10), bad, *_tracks(20)[10:]]}
    answer = client.post("/v1/batch", json=body)
    assert answer.status_code == 200
    got = answer.json()
    assert (got["success"], got["accepted"], got["rejected"]) == (True, 20, 1)
    [item] = got["rejections"]
    assert item["index"] == 10 and item["errors"][0]["field"] == "batch[10].traits.email"
    assert count(engine, "event") == 20 and count(engine, "lead_score") == 20  # scored
    assert lead(engine, "bad-1") is None
    [kept] = listing(engine)
    assert kept.id == item["id"] and kept.raw == bad and kept.key_name == "test"
    assert kept.envelope == {"context": {"library": {"name": "x"}}}
    assert kept.errors == [(e["field"], e["message"]) for e in item["errors"]]
    assert kept.received_at == NOW and kept.replayed_at is None


def test_shape_errors_and_oversize_calls_are_kept_too(client: TestClient, engine: Engine) -> None:
    batch = [
        {"type": "nope"},
        5,
        {"type": "track", "userId": "u", "event": 7},
        {"type": "track", "userId": "u", "event": "x", "properties": {"b": "x" * 33_000}},
        {"type": "track", "userId": "u", "event": "ok"},
    ]
    got = client.post("/v1/batch", json={"batch": batch}).json()
    assert (got["accepted"], got["rejected"]) == (1, 4)
    fields = [r["errors"][0]["field"] for r in got["rejections"]]
    assert fields == ["batch[0].type", "batch[1]", "batch[2].event", "batch[3]"]
    assert "32 KB" in got["rejections"][3]["errors"][0]["message"]
    assert [r.raw for r in listing(engine)] == batch[:4]
    assert count(engine, "event") == 1


def test_an_identify_the_database_refuses_is_kept_and_the_rest_stored(
    client: TestClient, engine: Engine
) -> None:
    client.post("/v1/identify", json={"userId": "a", "traits": {"email": "a@x.example"}})
    client.post("/v1/identify", json={"userId": "b", "traits": {"email": "b@x.example"}})
    batch = [
        {"type": "track", "userId": "a", "event": "Webinar Attended"},
        {"type": "identify", "userId": "b", "traits": {"email": "a@x.example"}},
        {"type": "identify", "userId": "c", "traits": {"title": "CEO"}},
    ]
    got = client.post("/v1/batch", json={"batch": batch}).json()
    assert (got["accepted"], got["rejected"]) == (2, 1)
    assert got["rejections"][0]["index"] == 1
    assert "belongs to lead" in got["rejections"][0]["errors"][0]["message"]
    assert count(engine, "event") == 1 and lead(engine, "c").title == "CEO"
    assert lead(engine, "b").email == "b@x.example"


def test_malformed_json_a_wrong_key_and_a_bad_envelope_still_get_4xx(
    client: TestClient, engine: Engine
) -> None:
    assert client.post("/v1/batch", content=b'{"batch": [').status_code == 400
    wrong = {"Authorization": "Bearer sdr_wrong"}
    assert client.post("/v1/batch", json={"batch": _tracks(1)}, headers=wrong).status_code == 401
    assert client.post("/v1/batch", json={"batch": []}).status_code == 400
    assert client.post("/v1/batch", json={"batch": "x"}).status_code == 400
    assert count(engine, "ingest_rejected") == 0 and count(engine, "event") == 0


@pytest.fixture
def file_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(console, "width", 250)
    monkeypatch.setattr(state, "clock", lambda: NOW + timedelta(minutes=5))
    url = f"sqlite:///{tmp_path / 'r.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SDRBOT_CONFIG", raising=False)
    eng = make_engine(url)
    upgrade(eng)
    yield eng
    eng.dispose()


def test_list_warn_and_replay_after_the_config_is_fixed(file_db: Engine, tmp_path: Path) -> None:
    key = make_key(file_db, "segment-prod")
    events = EventMap.from_config({}, "reject")
    app = create_api_app(engine=file_db, clock=lambda: NOW, events=events)
    batch = [
        {"type": "track", "userId": "r-1", "event": "Trial Started", "messageId": "r1"},
        {"type": "track", "userId": "r-2", "event": "Webinar Attended", "messageId": "r2"},
        {"type": "track", "userId": "r-3", "event": "Trial Started", "timestamp": "soon"},
    ]
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as c:
        got = c.post("/v1/batch", json={"batch": batch, "sentAt": NOW.isoformat()}).json()
    assert got["rejected"] == 2 and count(file_db, "event") == 1

    warning = check_rejected(str(file_db.url))
    assert warning is not None and warning.level == "warn" and "2 calls" in warning.detail
    assert "sdrbot ingest replay" in (warning.fix or "")

    shown = CliRunner().invoke(cli, ["ingest", "rejected"])
    assert shown.exit_code == 0, shown.output
    assert "segment-prod" in shown.output and "unknown event 'Trial Started'" in shown.output
    lines = CliRunner().invoke(cli, ["ingest", "rejected", "--json"]).output.splitlines()
    first = json.loads(lines[0])
    assert first["call"] == batch[0] and first["batch"] == {"sentAt": NOW.isoformat()}

    config = tmp_path / "sdrbot.toml"
    config.write_text(
        '[ingest]\nunknown_events = "reject"\n\n[ingest.event_map]\n'
        '"Trial Started" = "demo_request"\n'
    )
    replayed = CliRunner().invoke(cli, ["ingest", "replay"])
    assert replayed.exit_code == 1  # one is still wrong: its timestamp
    assert "Replayed 1 calls; 1 still rejected." in replayed.output
    assert "is still rejected" in replayed.output and "timestamp" in replayed.output
    [(kind, actor)] = rows(
        file_db,
        "select e.type, t.actor from event e join lead l on l.id = e.lead_id "
        "left join lifecycle_transition t on t.lead_id = l.id where l.external_id = 'r-1'",
    )
    assert kind == "demo_request" and actor == "api:segment-prod"  # under the sender's key
    again = CliRunner().invoke(cli, ["ingest", "replay", first["id"].__str__(), "999"])
    assert "Not replayed (no such id, or stored before): " in again.output
    assert count(file_db, "event") == 2
    open_ids = [r.id for r in listing(file_db)]
    assert len(open_ids) == 1 and len(listing(file_db, every=True)) == 2
    assert "1 calls" in (check_rejected(str(file_db.url)) or warning).detail
