"""The ingest API as an ASGI app of its own, with its OpenAPI docs at /docs.

`sdrbot serve` runs it alone; `sdrbot run` mounts it beside the Slack endpoints.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.engine import Engine

from bot.http.api.batch_errors import validation_handler
from bot.http.api.errors import ApiError, api_error_response
from bot.http.api.limits import MAX_BATCH, BodyLimit
from bot.http.api.router import PREFIXES, build_router
from bot.http.connection_recycling import RecycleConnections
from bot.http.health import add_health_routes
from bot.ingest.event_map import EventMap
from storage.sqlite_write_lock import immediate_engine


def _utcnow() -> datetime:
    return datetime.now(UTC)


def create_api_app(
    *,
    engine: Engine,
    clock: Callable[[], datetime] = _utcnow,
    events: EventMap | None = None,
    batch: str = "partial",
    max_batch: int = MAX_BATCH,
) -> FastAPI:
    """`batch` and `max_batch` are `[ingest] batch` and `max_batch_mb`; without `events`, all
    three come from the config file."""
    if events is None:
        from bot.settings import Settings

        settings = Settings.load()
        events, batch, max_batch = (
            settings.event_map,
            settings.ingest_batch,
            settings.ingest_max_batch,
        )
    app = FastAPI(
        title="sdrbot ingest API",
        version="1",
        description="Segment-compatible identify, track, page and batch calls, and "
        "CRM outcomes. Authenticate with an API key (`sdrbot apikey create NAME`) as "
        "a Bearer token or as the user name of HTTP Basic auth.",
    )
    app.add_exception_handler(ApiError, api_error_response)
    app.add_exception_handler(RequestValidationError, validation_handler(events, clock))
    app.add_middleware(BodyLimit, batch_limit=max_batch)
    # website snippets post from the visitor's browser, from any site the operator runs; the
    # key is a write-only key meant to be public there, as Segment's write keys are
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["POST"],
        allow_headers=["Authorization", "Content-Type"],
        max_age=86400,
    )
    add_health_routes(app, engine)
    # one router (one use case, one gate per process) under both prefixes; the docs show ours
    router = build_router(
        immediate_engine(engine), clock, events, read_engine=engine, atomic=batch == "atomic"
    )
    for i, prefix in enumerate(PREFIXES):
        app.include_router(router, prefix=prefix, include_in_schema=i == 0)
    return app


def from_environment() -> FastAPI:
    """The app as each uvicorn worker process builds it (`sdrbot serve --workers N`): the
    database and the event map come from the environment and the config file."""
    from bot.settings import Settings
    from storage.db import make_engine

    settings = Settings.load()
    app = create_api_app(
        engine=make_engine(settings.database_url),
        events=settings.event_map,
        batch=settings.ingest_batch,
        max_batch=settings.ingest_max_batch,
    )
    # several processes share the socket: clients are asked to reconnect now and then
    app.add_middleware(RecycleConnections)
    return app
