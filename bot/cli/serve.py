"""`sdrbot serve`: the HTTP ingest API alone (no Slack), e.g. behind its own load balancer."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext

import typer
from sqlalchemy.engine import Engine

from bot.cli.common import console, engine, fail, now
from bot.settings import Settings, SettingsError
from bot.webhooks.runner import sending_webhooks


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    port: int = typer.Option(8000, "--port", help="HTTP port."),
    host: str = typer.Option("0.0.0.0", "--host", help="Address to listen on."),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Worker processes (scoring is CPU work: one per core)."
    ),
    jobs: bool = typer.Option(
        False,
        "--jobs",
        help="Also run the scheduled jobs here (when no `sdrbot run` does; one process of "
        "all that try runs them).",
    ),
) -> None:
    """Serve the ingest API (Segment-compatible identify/track/batch, outcomes) and its docs."""
    try:
        settings = Settings.load()
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc
    import uvicorn

    from bot.http.api.app import create_api_app

    eng = engine()  # migrated here, once, before any worker starts
    console.print(
        f"sdrbot serves the ingest API at http://{host}:{port}/api/v1 "
        f"(docs at http://{host}:{port}/docs)"
        + (f" with {workers} worker processes" if workers > 1 else "")
    )
    console.print("Its health is at /healthz (the process) and /readyz (the database).")
    # webhooks are sent from this process alone, whatever the number of workers
    with sending_webhooks(eng, now), _scheduled(jobs, eng, settings):
        if workers > 1:
            # each worker builds its own app and engine from the environment
            os.environ["DATABASE_URL"] = eng.url.render_as_string(hide_password=False)
            uvicorn.run(
                "bot.http.api.app:from_environment",
                factory=True,
                workers=workers,
                host=host,
                port=port,
                log_level="info",
            )
            return
        api = create_api_app(
            engine=eng,
            clock=now,
            events=settings.event_map,
            batch=settings.ingest_batch,
            max_batch=settings.ingest_max_batch,
        )
        uvicorn.run(api, host=host, port=port, log_level="info")


def _scheduled(wanted: bool, eng: Engine, settings: Settings) -> AbstractContextManager[object]:
    """The scheduled jobs in this (the parent) process with --jobs, never in the workers."""
    if not wanted:
        return nullcontext()
    from bot.jobs.scheduler import running_jobs

    return running_jobs(eng, settings, now)
