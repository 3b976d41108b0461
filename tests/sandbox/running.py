"""A sandbox as `sdrbot sandbox` starts it, served by uvicorn on a free port of 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from bot.sandbox.launch import Sandbox, build_sandbox
from bot.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clock() -> datetime:
    return datetime.now(UTC)


@contextmanager
def running_sandbox(
    folder: Path, *, stream: bool = True, stream_pace: float = 0.2, settings: Settings | None = None
) -> Iterator[Sandbox]:
    port = free_port()
    sandbox = build_sandbox(
        settings or Settings(),
        clock,
        port=port,
        database=folder / "sandbox.db",
        stream=stream,
        stream_pace=stream_pace,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            sandbox.app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True, name="sandbox-server")
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the sandbox did not start"
        time.sleep(0.05)
    try:
        yield sandbox
    finally:
        sandbox.stop.set()  # ends the pages' event streams first
        server.should_exit = True
        thread.join(timeout=10)
        sandbox.close()


def wait_for(what: Callable[[], Any], timeout: float = 30, message: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = what()
        if found:
            return found
        assert time.monotonic() < deadline, message or "timed out"
        time.sleep(0.1)


class Page:
    """The page's two calls (state and act), as a person's browser makes them."""

    def __init__(self, sandbox: Sandbox, user: str) -> None:
        self.http = httpx.Client(base_url=sandbox.url, timeout=15)
        self.user = user

    def state(self) -> dict[str, Any]:
        answer = self.http.get("/sandbox/state", params={"user": self.user})
        answer.raise_for_status()
        state: dict[str, Any] = answer.json()
        return state

    def act(self, **body: Any) -> httpx.Response:
        return self.http.post(
            "/sandbox/act", content=json.dumps({"user": self.user, **body}).encode()
        )

    def channel(self, name: str) -> list[dict[str, Any]]:
        found = next(c for c in self.state()["channels"] if c["name"] == name)
        messages: list[dict[str, Any]] = found["messages"]
        return messages

    def alerts(self) -> list[dict[str, Any]]:
        return [m for m in self.channel("sdr-alerts") if m.get("blocks")]

    def click(self, message: dict[str, Any], action_id: str, **where: Any) -> httpx.Response:
        for block in message["blocks"]:
            elements = block.get("elements", []) if block["type"] == "actions" else []
            for element in [*elements, block.get("accessory") or {}]:
                if element.get("action_id") == action_id:
                    action = {
                        "type": element["type"],
                        "action_id": action_id,
                        "block_id": block.get("block_id", ""),
                        "value": element.get("value"),
                    }
                    ts = message.get("ts") or message.get("message_ts")
                    return self.act(kind="click", action=action, ts=ts, **where)
        raise AssertionError(f"no {action_id} button in the message")
