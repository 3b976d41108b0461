"""`sdrbot run` serves the ingest API beside Slack's endpoints; `sdrbot serve` serves it alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.cli import app as cli_app
from bot.http.app import create_http_app
from bot.http.connection_recycling import RecycleConnections
from bot.slack.app import build_app
from bot.slack.outbox import make_client
from tests.api.conftest import make_key
from tests.api.helpers import count
from tests.conftest import NOW
from tests.factories import file_engine
from tests.slack.harness import settings


def test_the_slack_http_app_serves_the_api_and_its_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no sdrbot.toml here: the default event map
    engine = file_engine(tmp_path / "run.db")
    key = make_key(engine)
    bolt = build_app(settings(), engine=engine, client=make_client("xoxb-x"), clock=lambda: NOW)
    with TestClient(create_http_app(bolt, engine=engine)) as web:
        assert web.get("/healthz").status_code == 200
        assert web.get("/docs").status_code == 200
        answer = web.post(
            "/api/v1/track",
            json={"userId": "u", "event": "Webinar Attended"},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert answer.status_code == 200, answer.text
        assert web.post("/api/v1/track", json={}).status_code == 401
    assert count(engine, "event") == 1
    engine.dispose()


def test_serve_starts_uvicorn_with_the_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    started: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    result = CliRunner().invoke(cli_app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert started["port"] == 8123 and "/api/v1" in result.output
    assert "/api/v1/batch" in started["app"].openapi()["paths"]  # type: ignore[attr-defined]


def test_serve_reports_a_bad_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sdrbot.toml").write_text('[ingest]\nunknown_events = "drop"\n')
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 2 and "ingest.unknown_events must be one of" in result.output


def test_the_mounted_api_limits_bodies_too(tmp_path: Path) -> None:
    engine = file_engine(tmp_path / "run.db")
    bolt = build_app(settings(), engine=engine, client=make_client("xoxb-x"), clock=lambda: NOW)
    with TestClient(create_http_app(bolt, engine=engine)) as web:
        answer = web.post(
            "/api/v1/batch",
            content=b"x" * (5 * 1024 * 1024),  # above the 4 MB of a batch
            headers={"content-type": "application/json"},
        )
    assert answer.status_code == 413 and answer.json()["error"]["field"] == "body"
    engine.dispose()


def test_serve_with_workers_hands_uvicorn_a_factory_the_workers_can_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib
    import os

    import uvicorn

    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    started: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    result = CliRunner().invoke(cli_app, ["serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert started["workers"] == 2 and started["factory"] is True
    assert "2 worker processes" in result.output and os.environ["DATABASE_URL"] == url
    module, _, name = str(started["app"]).partition(":")
    api = getattr(importlib.import_module(module), name)()  # what each worker does
    assert "/api/v1/batch" in api.openapi()["paths"]
    # the workers share the load: kept-alive connections are recycled (tests/api/test_recycle)
    assert RecycleConnections in [m.cls for m in api.user_middleware]
