"""The size limits the SDKs expect: a batch up to 4 MB after decompression (configurable), one
call up to 32 KB; a 413 names the limit."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from bot.http.api.app import create_api_app
from bot.ingest.event_map import EventMap
from bot.settings import Settings, SettingsError
from tests.api.helpers import count
from tests.conftest import NOW


def _batch(calls: int, blob: int) -> bytes:
    items = [
        {
            "type": "track",
            "userId": f"big-{i % 7}",
            "event": "Product Viewed",
            "messageId": f"big-{i}",
            "properties": {"blob": "x" * blob},
        }
        for i in range(calls)
    ]
    return json.dumps({"batch": items}).encode()


def test_a_3_mb_batch_is_taken_plain_and_gzipped(client: TestClient, engine: Engine) -> None:
    body = _batch(100, 30_000)  # as large as rudder-sdk-python builds them, calls below 32 KB
    assert 3_000_000 < len(body) < 4 * 1024 * 1024
    answer = client.post("/v1/batch", content=body)
    assert answer.status_code == 200, answer.text[:300]
    again = client.post(
        "/v1/batch", content=gzip.compress(body), headers={"content-encoding": "gzip"}
    )
    assert again.status_code == 200
    assert count(engine, "event") == 100  # the gzipped repeat had the same delivery ids


def test_a_batch_above_4_mb_gets_413_naming_the_limit(client: TestClient, engine: Engine) -> None:
    body = _batch(150, 30_000)
    for headers, content in (({}, body), ({"content-encoding": "gzip"}, gzip.compress(body))):
        answer = client.post("/api/v1/batch", content=content, headers=headers)
        assert answer.status_code == 413
        assert answer.json()["error"]["field"] == "body"
        assert "larger than 4 MB" in answer.json()["message"]
        assert "max_batch_mb" in answer.json()["message"]
    assert count(engine, "event") == 0


def test_the_batch_limit_is_configurable(engine: Engine, key: str, tmp_path: Path) -> None:
    config = tmp_path / "sdrbot.toml"
    config.write_text("[ingest]\nmax_batch_mb = 0.5\n")
    settings = Settings.load(env_file=None, environ={"SDRBOT_CONFIG": str(config)})
    assert settings.ingest_max_batch == 512 * 1024
    app = create_api_app(
        engine=engine, clock=lambda: NOW, events=EventMap(), max_batch=settings.ingest_max_batch
    )
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as c:
        answer = c.post("/v1/batch", content=_batch(30, 30_000))
        assert answer.status_code == 413 and "larger than 512 KB" in answer.json()["message"]
        assert c.post("/v1/batch", content=_batch(10, 30_000)).status_code == 200


@pytest.mark.parametrize("value", ["0", "-1", '"4"', "true"])
def test_a_wrong_batch_limit_is_a_settings_error(tmp_path: Path, value: str) -> None:
    config = tmp_path / "sdrbot.toml"
    config.write_text(f"[ingest]\nmax_batch_mb = {value}\n")
    with pytest.raises(SettingsError, match=r"ingest\.max_batch_mb must be a positive number"):
        Settings.load(env_file=None, environ={"SDRBOT_CONFIG": str(config)})


def test_one_call_above_32_kb_gets_413(client: TestClient, engine: Engine) -> None:
    call = {"userId": "u", "event": "x", "properties": {"blob": "x" * 33_000}}
    for path in ("/v1/track", "/api/v1/t", "/v1/identify", "/v1/outcomes"):
        answer = client.post(path, json=call)
        assert answer.status_code == 413 and "larger than 32 KB" in answer.json()["message"]
    small = {"userId": "u", "event": "x", "properties": {"blob": "x" * 30_000}}
    assert client.post("/v1/track", json=small).status_code == 200
    assert count(engine, "event") == 1
