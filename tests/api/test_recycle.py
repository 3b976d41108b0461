"""Kept-alive connections are closed every so many requests, over real HTTP."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.http.connection_recycling import RecycleConnections


async def whoami(request: Request) -> JSONResponse:
    assert request.client is not None
    return JSONResponse({"port": request.client.port}, headers={"Connection": "keep-alive"})


def serve(app: RecycleConnections, http: str) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, http=http, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started:
        assert time.time() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(params=["h11", "httptools"])
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    app = RecycleConnections(Starlette(routes=[Route("/", whoami)]), every=3)
    yield from serve(app, request.param)


def test_every_third_answer_closes_its_connection(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as client:
        answers = [client.get("/") for _ in range(7)]
    ports = [a.json()["port"] for a in answers]
    assert ports[0] == ports[1] == ports[2] != ports[3] == ports[4] == ports[5] != ports[6]
    closing = [a.headers.get("connection") for a in answers]
    assert closing == ["keep-alive", "keep-alive", "close"] * 2 + ["keep-alive"]


def test_connections_are_counted_apart(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as one, httpx.Client(base_url=base_url) as two:
        first = [one.get("/").json()["port"] for _ in range(2)]
        second = [two.get("/").json()["port"] for _ in range(2)]
        assert one.get("/").headers["connection"] == "close"  # its third, not the fifth
        assert two.get("/").headers["connection"] == "close"
    assert len(set(first)) == 1 and len(set(second)) == 1 and first[0] != second[0]


def test_a_connection_closed_by_its_client_is_forgotten_in_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.http.connection_recycling as recycle

    monkeypatch.setattr(recycle, "REMEMBERED", 2)
    app = RecycleConnections(Starlette(routes=[Route("/", whoami)]), every=3)
    for url in serve(app, "h11"):
        for _ in range(5):
            with httpx.Client(base_url=url) as client:
                client.get("/")
        assert len(app.counts) == 2


def test_every_and_crowded_must_make_sense() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RecycleConnections(Starlette(), every=0)
    with pytest.raises(ValueError, match="crowded at least 2"):
        RecycleConnections(Starlette(), crowded=1)


def test_a_crowded_process_asks_the_client_of_its_third_request_to_reconnect() -> None:
    arrived: list[int] = []

    async def together(request: Request) -> JSONResponse:
        arrived.append(1)
        deadline = time.time() + 5
        while len(arrived) < 3 and time.time() < deadline:
            await asyncio.sleep(0.01)  # the three requests are in flight at once
        return JSONResponse({}, headers={"Connection": "keep-alive"})

    app = RecycleConnections(Starlette(routes=[Route("/", together)]), every=100, crowded=3)
    for url in serve(app, "h11"):
        answers: list[str] = []

        def call(url: str, answers: list[str]) -> None:
            with httpx.Client(base_url=url, timeout=10) as client:
                answers.append(client.get("/").headers["connection"])

        threads = [threading.Thread(target=call, args=(url, answers)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(answers) == ["close", "keep-alive", "keep-alive"]
        with httpx.Client(base_url=url) as quiet:  # alone again: it keeps its connection
            assert quiet.get("/").headers["connection"] == "keep-alive"
    assert app.in_flight == 0
