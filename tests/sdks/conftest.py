"""A live `sdrbot serve` on a SQLite file, with an API key, for the real SDKs to send to."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from storage.db import make_engine, session_scope
from storage.schema import upgrade
from tests.cli.test_run import ROOT, free_port, wait_for

CLI = [sys.executable, "-c", "from bot.cli import main; main()"]


@dataclass
class Live:
    host: str  # what an SDK's host option takes: no path
    key: str
    engine: Engine


def _up(host: str) -> bool:
    try:
        return httpx.get(f"{host}/readyz").status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    from bot.usecases.admin import api_keys

    url = f"sqlite:///{tmp_path / 'sdk.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        from datetime import UTC, datetime

        key = api_keys.create(s, "sdk-test", now=datetime.now(UTC), actor="test").secret
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SDRBOT_CONFIG"):
        env.pop(name, None)
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--host", "127.0.0.1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    host = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(host), 90)
        yield Live(host, key, engine)
    finally:
        server.terminate()
        server.wait(10)
        engine.dispose()
