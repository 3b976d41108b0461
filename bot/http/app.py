"""The bot's HTTP door: Slack's requests at POST /slack/events (HTTP mode), and the ingest API
with GET /healthz and /readyz (bot/http/health.py).

Bolt verifies each request's signature and age (401 otherwise). The request goes through
slack_bolt's Starlette/FastAPI conversions, but `App.dispatch` runs in the thread pool: it is
synchronous and would otherwise stall every other request while it waits for the ack.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from sqlalchemy.engine import Engine

from bot.http.api.app import create_api_app
from bot.http.health import add_health_routes


def create_http_app(
    bolt: App | None,
    *,
    engine: Engine,
    wake: Callable[[], None] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """`wake` is called after each accepted ingest call, so that an alert it queued leaves at
    once instead of at the outbox sender's next poll. Without `bolt` (Socket Mode, where Slack's
    requests come over the socket) there is no /slack/events. `clock` is the ingest API's
    (the sandbox's, which can move on), by default the real one."""
    api = FastAPI(title="sdrbot", docs_url=None, redoc_url=None, openapi_url=None)

    if wake is not None:

        @api.middleware("http")
        async def wake_sender(
            request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            response = await call_next(request)
            if (
                request.method == "POST"
                and request.url.path.startswith(("/api/", "/v1/"))
                and response.status_code == 200
            ):
                wake()
            return response

    if bolt is not None:
        slack = bolt

        @api.post("/slack/events")
        async def slack_events(request: Request) -> Response:
            body = await request.body()
            answer = await run_in_threadpool(slack.dispatch, to_bolt_request(request, body))
            return to_starlette_response(answer)

    add_health_routes(api, engine)  # the mounted API has them too; these answer first
    ingest = (
        create_api_app(engine=engine)
        if clock is None
        else create_api_app(engine=engine, clock=clock)
    )
    api.mount("/", ingest)  # the ingest API (/api/v1/*, /v1/*), its /docs
    return api
