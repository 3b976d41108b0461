"""`sdrbot serve`: the HTTP ingest API alone (no Slack), e.g. behind its own load balancer."""

from __future__ import annotations

import typer

from bot.cli.common import console, engine, fail, now
from bot.settings import Settings, SettingsError


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    port: int = typer.Option(8000, "--port", help="HTTP port."),
    host: str = typer.Option("0.0.0.0", "--host", help="Address to listen on."),
) -> None:
    """Serve the ingest API (Segment-compatible identify/track/batch, outcomes) and its docs."""
    try:
        settings = Settings.load()
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc
    import uvicorn

    from bot.http.api.app import create_api_app

    api = create_api_app(engine=engine(), clock=now, events=settings.event_map)
    console.print(f"sdrbot serves the ingest API at http://{host}:{port}/api/v1 "
                  f"(docs at http://{host}:{port}/docs)")
    uvicorn.run(api, host=host, port=port, log_level="info")
