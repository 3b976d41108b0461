"""GET /healthz (the process is up and answers) and GET /readyz (it can reach its database).

A load balancer or orchestrator restarts a process whose /healthz fails and sends no traffic to
one whose /readyz fails; a database outage is therefore a readiness failure, not a reason to
restart every process. Served by the ingest API app, so under `sdrbot serve` and `sdrbot run`.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.db import ping


def add_health_routes(app: FastAPI, engine: Engine) -> None:
    """GET /healthz and /readyz on `app`."""

    def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz() -> JSONResponse:
        try:
            await run_in_threadpool(ping, engine)
        except SQLAlchemyError as exc:
            return JSONResponse(
                {"status": "unavailable", "database": type(exc).__name__}, status_code=503
            )
        return JSONResponse({"status": "ok", "database": "ok"})

    app.add_api_route("/healthz", healthz, methods=["GET"], summary="The process is up")
    app.add_api_route("/readyz", readyz, methods=["GET"], summary="The database is reachable")
