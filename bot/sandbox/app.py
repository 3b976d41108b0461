"""The sandbox's one ASGI app: the page (`/sandbox`), its live updates (server-sent events),
the stand-in Web API (`/slackapi/api/<method>`, where the bot's WebClient points), and the
bot's own HTTP app behind them: the real Bolt app's `/slack/events`, `/healthz` and the
ingest API."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from slack_bolt import App
from sqlalchemy.engine import Engine

from bot.http.app import create_http_app
from bot.sandbox.controls import TimeControls
from bot.sandbox.interactions import BadAct, Interactions
from bot.sandbox.stand_in import SandboxSlack
from bot.sandbox.workspace import CHANNELS, SWITCHER
from bot.words import catalogue, say

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
POLL = 0.1  # seconds between two looks at the stand-in's change count
KEEPALIVE = 15.0


def page_words(locale: str) -> dict[str, str]:
    """The page's own texts (templates/<locale>/words/sandbox.toml, table [page]), by key."""
    prefix = "sandbox.page."
    keys = [k for k in catalogue("en") if k.startswith(prefix)]
    return {k[len(prefix) :]: say(locale, k) for k in keys}


class Pausable(Protocol):
    """What the page's pause control needs of the demo stream."""

    paused: bool

    def pause(self, paused: bool) -> None: ...


# long: the routes are closures over the stand-in, the acts and the stream, a few lines each,
# as a FastAPI app factory has them
def create_sandbox_app(
    *,
    stand_in: SandboxSlack,
    bolt: App,
    engine: Engine,
    secret: str,
    root_url: str,
    wake: Callable[[], None] | None = None,
    stream: Pausable | None = None,
    closing: threading.Event | None = None,
    clock: Callable[[], datetime] | None = None,
    controls: TimeControls | None = None,
    locale: str = "en",
    timezone: str = "UTC",
) -> FastAPI:
    """`closing` ends the pages' event streams, which would otherwise hold a shutdown up;
    without `controls` the page has no clock and digest controls."""
    closing = closing or threading.Event()
    now = clock or (lambda: datetime.now(UTC))
    web = FastAPI(title="sdrbot sandbox", docs_url=None, redoc_url=None, openapi_url=None)
    acts = Interactions(stand_in, f"{root_url.rstrip('/')}/slack/events", secret, locale)

    async def json_object(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise BadAct(say(locale, "sandbox.error.not_an_object"))
        return body

    @web.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/sandbox")

    @web.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)  # no icon; a browser asks anyway

    @web.get("/sandbox", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "sandbox.html", headers={"Cache-Control": "no-store"})

    @web.get("/sandbox/config")
    def config() -> dict[str, Any]:
        return {
            "people": [
                {"id": p.id, "name": p.real_name, "role": say(locale, f"sandbox.role.{p.role}")}
                for p in SWITCHER
            ],
            "channels": CHANNELS,
            "stream": None if stream is None else {"paused": stream.paused},
            "controls": controls is not None,
            "locale": locale,
            "timezone": timezone,
            "words": page_words(locale),
        }

    @web.get("/sandbox/state")
    def state(user: str) -> dict[str, Any]:
        return {**stand_in.state(user), "now": now().isoformat()}

    @web.get("/sandbox/files/{file_id}")
    def file(file_id: str) -> Response:
        content = stand_in.uploaded(file_id)
        if content is None:
            return Response(status_code=404)
        kind = "image/png" if content.startswith(b"\x89PNG") else "application/octet-stream"
        return Response(content, media_type=kind, headers={"Cache-Control": "no-store"})

    async def job(work: Callable[[], dict[str, Any]], name: str) -> JSONResponse:
        try:
            done = await run_in_threadpool(work)
        except Exception as exc:  # recorded as a failed run; the page says so, no trace
            log.exception("the sandbox's %s job failed", name)
            error = say(locale, "sandbox.error.job_failed", job=name, error=type(exc).__name__)
            return JSONResponse({"ok": False, "error": error}, status_code=500)
        stand_in.touch()
        return JSONResponse({"ok": True, **done})

    @web.post("/sandbox/clock")
    async def advance() -> JSONResponse:
        if controls is None:
            return JSONResponse({"ok": False, "error": "no clock controls"}, status_code=404)
        return await job(lambda: asdict(controls.advance()), "SLA")

    @web.post("/sandbox/digest")
    async def digest() -> JSONResponse:
        if controls is None:
            return JSONResponse({"ok": False, "error": "no digest control"}, status_code=404)
        return await job(lambda: {"week": controls.post_digest()}, "digest")

    @web.post("/sandbox/act")
    async def act(request: Request) -> JSONResponse:
        try:
            return JSONResponse(await acts.act(await json_object(request)))
        except BadAct as exc:
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)

    @web.post("/sandbox/stream")
    async def pause(request: Request) -> JSONResponse:
        if stream is None:
            error = say(locale, "sandbox.error.no_stream")
            return JSONResponse({"ok": False, "error": error}, status_code=404)
        try:
            body = await json_object(request)
        except BadAct as exc:
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)
        stream.pause(bool(body.get("paused")))
        return JSONResponse({"ok": True, "paused": stream.paused})

    @web.get("/sandbox/events")
    async def events(request: Request) -> StreamingResponse:
        async def changes() -> AsyncIterator[str]:
            last, quiet = -1, 0.0
            while not closing.is_set() and not await request.is_disconnected():
                if stand_in.version != last:
                    last, quiet = stand_in.version, 0.0
                    yield f"data: {last}\n\n"
                elif quiet >= KEEPALIVE:
                    quiet = 0.0
                    yield ": still here\n\n"
                await asyncio.sleep(POLL)
                quiet += POLL

        return StreamingResponse(
            changes(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    @web.api_route("/slackapi/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
    async def web_api(request: Request, rest: str) -> Response:
        body = await request.body()
        status, headers, payload = await run_in_threadpool(
            stand_in.handle, request.method, f"/{rest}", request.url.query, request.headers, body
        )
        return Response(payload, status_code=status, headers=headers)

    web.mount("/sandbox/static", StaticFiles(directory=STATIC), name="static")
    web.mount("/", create_http_app(bolt, engine=engine, wake=wake, clock=clock))
    return web
