"""`sdrbot sandbox` (and `make run` without a Slack token): the whole bot in a browser, against
a local stand-in for Slack, with a database of its own."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import typer

from bot.cli.common import console, fail, now
from bot.settings import Settings, SettingsError


def register(app: typer.Typer) -> None:
    app.command("sandbox")(sandbox_cmd)


def sandbox_cmd(
    port: int = typer.Option(3000, "--port", help="Port on 127.0.0.1 for the sandbox's page."),
    database: Path = typer.Option(
        Path("sandbox.db"), "--database", help="The sandbox's own SQLite file (never the real one)."
    ),
    stream: bool = typer.Option(
        True, "--stream/--no-stream", help="Feed demo leads into an empty sandbox database."
    ),
) -> None:
    """Try the bot in a browser: a local Slack workspace with the bot's alerts, buttons, modals
    and App Home, on 127.0.0.1 only. Nothing reaches a real Slack workspace."""
    import uvicorn

    from bot.sandbox.launch import HOST, build_sandbox

    try:
        base = Settings.load()
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sandbox = build_sandbox(base, now, port=port, database=database, stream=stream)
    console.print(
        f"The sandbox listens on {HOST} only (this computer); its data stays in {database}."
    )
    ahead = sandbox.clock.offset
    if ahead:
        console.print(
            f"The sandbox's clock runs {ahead.total_seconds() / 86400:.1f} days ahead of the real "
            f"one (the page advanced it); delete {database} and the {database}.* beside it to "
            "start over."
        )
    if sandbox.stream is not None:
        console.print("Demo leads arrive every few seconds; the page can pause them.")
    console.print(f"Open [bold]{sandbox.url}/sandbox[/]")

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            sandbox.stop.set()  # the pages' event streams end, so Ctrl-C stops at once
            super().handle_exit(sig, frame)

    config = uvicorn.Config(
        sandbox.app, host=HOST, port=port, log_level="warning", timeout_graceful_shutdown=2
    )
    try:
        Server(config).run()
    finally:
        sandbox.close()
