"""`sdrbot run`: refuses to start half-configured, and runs for real over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from bot.cli import app
from bot.slack.blocks.alert import ACTION_CLAIM
from storage.db import make_engine
from storage.schema import upgrade
from tests.factories import make_mql
from tests.fakeslack import FakeSlack, running_fake_slack
from tests.slack.conftest import ALERTS, ANNA, HANDOVER
from tests.slack.requests import SECRET, block_action, headers

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SDRBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'run.db'}")


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["run"], {}, "SLACK_BOT_TOKEN is not set"),
        (["run", "--http", "--socket"], {}, "choose one of --http and --socket"),
        (["run", "--socket"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "--socket needs SLACK_APP_TOKEN"),
        (["run", "--http"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        (["run"], {"SLACK_BOT_TOKEN": "xoxb-1", "SDRBOT_CONFIG": "nope.toml"}, "does not exist"),
    ],
)
def test_run_says_what_is_missing(
    clean_env: None,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


class FakeSocketMode:
    events: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, app: object, app_token: str) -> None:
        self.app, self.app_token = app, app_token

    def connect(self) -> None:
        FakeSocketMode.events.append(("connect", self.app_token))

    def close(self) -> None:
        FakeSocketMode.events.append(("close", self.app_token))


def test_an_app_token_means_socket_mode_and_http_can_be_forced(
    clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import slack_bolt.adapter.socket_mode as socket_mode
    import uvicorn

    served: list[tuple[int, list[str]]] = []

    def serve(app: FastAPI, **kw: Any) -> None:
        FakeSocketMode.events.append(("serve", ""))
        served.append((kw["port"], [getattr(r, "path", "") for r in app.routes]))

    monkeypatch.setattr(socket_mode, "SocketModeHandler", FakeSocketMode)
    monkeypatch.setattr(uvicorn, "run", serve)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    result = CliRunner().invoke(app, ["run", "--port", "3998"])
    assert result.exit_code == 0 and "Socket Mode" in result.output
    assert "http://0.0.0.0:3998/api/v1" in result.output
    # connected first, the API served until stopped, then the socket closed
    assert FakeSocketMode.events == [("connect", "xapp-1"), ("serve", ""), ("close", "xapp-1")]
    # Socket Mode's requests carry no signature: no unverified Slack endpoint over HTTP
    assert served[0][0] == 3998 and "/slack/events" not in served[0][1]
    assert "/healthz" in served[0][1]
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    result = CliRunner().invoke(app, ["run", "--http", "--port", "3999"])
    assert result.exit_code == 0 and served[1][0] == 3999 and "/slack/events" in served[1][1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], object], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_run_over_http_posts_alerts_and_takes_clicks(tmp_path: Path) -> None:
    with running_fake_slack(
        channels={"sdr-alerts": ALERTS, "ae-handover": HANDOVER},
        users=[{"id": ANNA, "name": "anna"}],
    ) as fake:
        _run_bot(tmp_path, fake)


def _run_bot(tmp_path: Path, fake: FakeSlack) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    engine = make_engine(url)
    upgrade(engine)
    lead_id = make_mql(engine, datetime.now(UTC), alert=True)
    engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": fake.token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
        "SDRBOT_ALERT_CHANNEL": ALERTS,
        "SDRBOT_HANDOVER_CHANNEL": HANDOVER,
    }
    env.pop("SLACK_APP_TOKEN", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from bot.cli import main; main()",
            "run",
            "--http",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            try:
                return httpx.get(f"{base}/healthz").status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(healthy)
        wait_for(lambda: fake.messages(ALERTS))
        body = block_action(ACTION_CLAIM, lead_id, ANNA)
        assert (
            httpx.post(f"{base}/slack/events", content=body, headers=headers(body)).status_code
            == 200
        )
        wait_for(lambda: fake.calls_to("chat.update", ok=True))
        assert len([m for m in fake.messages(ALERTS) if m.get("thread_ts") in (None, m["ts"])]) == 1
        fake.assert_no_problems()
    finally:
        proc.terminate()
        output = proc.communicate(timeout=10)[0].decode()
    assert "serves Slack" in output


def test_manifest_for_socket_mode_and_for_http() -> None:
    import yaml

    socket_mode = yaml.safe_load(CliRunner().invoke(app, ["manifest"]).output)
    assert socket_mode["settings"]["socket_mode_enabled"] is True
    result = CliRunner().invoke(
        app, ["manifest", "--url", "https://bot.example.com/", "--name", "Lead Bot"]
    )
    http = yaml.safe_load(result.output)
    assert http["settings"]["socket_mode_enabled"] is False
    assert (
        http["settings"]["interactivity"]["request_url"] == "https://bot.example.com/slack/events"
    )
    assert http["features"]["slash_commands"][0]["url"] == "https://bot.example.com/slack/events"
    assert http["display_information"]["name"] == "Lead Bot"
    insecure = CliRunner().invoke(app, ["manifest", "--url", "http://bot.example.com"])
    assert insecure.exit_code == 2 and "https://" in insecure.output


def test_a_broken_config_file_is_reported_not_raised(
    clean_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sdrbot.toml").write_text("[slak]\n", encoding="utf-8")
    monkeypatch.delenv("DATABASE_URL")  # so that even `db current` reads the config
    for args in (["db", "current"], ["run"], ["doctor"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, args
        assert "unknown section [slak]" in " ".join(result.output.split())
