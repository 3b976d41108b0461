"""`sdrbot run`: the bot, over Socket Mode or HTTP, with the outbox and webhook senders beside
it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

import typer
from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.cli.common import console, engine, fail, now
from bot.jobs.scheduler import running_jobs
from bot.jobs.sla_clock import Sla
from bot.outbox.lanes import one_connection
from bot.settings import Settings, SettingsError
from bot.slack.app import build_app
from bot.slack.jobs_transport import JobsSender
from bot.slack.outbox import OutboxSender, make_client
from bot.webhooks.runner import sending_webhooks


def register(app: typer.Typer) -> None:
    app.command("run")(run)


def run(
    http: bool = typer.Option(False, "--http", help="Serve Slack's requests over HTTP."),
    socket: bool = typer.Option(False, "--socket", help="Connect over Socket Mode."),
    port: int = typer.Option(
        3000,
        "--port",
        help="HTTP port: the ingest API and /healthz, and Slack's requests with --http.",
    ),
    host: str = typer.Option("0.0.0.0", "--host", help="HTTP address to listen on."),
) -> None:
    """Run the Slack bot (Socket Mode when SLACK_APP_TOKEN is set, else HTTP on --port), the
    ingest API on --port, the alert and webhook senders, and the scheduled jobs (one process
    of several runs them: see `sdrbot jobs`)."""
    settings, use_socket = _checked(http, socket)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    eng = engine()
    client = make_client(settings.slack_bot_token.value, settings.slack_api_url)
    stop, wake, hooks_wake = threading.Event(), threading.Event(), threading.Event()
    digest_wake = threading.Event()

    def wake_all() -> None:  # an accepted call may have queued an alert and a webhook
        wake.set()
        hooks_wake.set()
        digest_wake.set()

    try:
        bolt = build_app(
            settings, engine=eng, client=client, clock=now, wake=wake_all, socket_mode=use_socket
        )
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc
    thread = _start_sender(eng, client, settings, stop, wake)
    digest_thread = _start_digest_sender(eng, client, stop, digest_wake)
    try:
        with (
            sending_webhooks(eng, now, hooks_wake),
            running_jobs(eng, settings, now, on_queued=wake_all),
        ):
            _serve(bolt, settings, eng, wake_all, host=host, port=port, use_socket=use_socket)
    finally:
        stop.set()
        wake.set()
        thread.join(timeout=10)
        digest_thread.join(timeout=10)


def _checked(http: bool, socket: bool) -> tuple[Settings, bool]:
    """The settings, and whether to use Socket Mode; exits with a fix for what is missing."""
    if http and socket:
        raise fail("choose one of --http and --socket", 2)
    try:
        settings = Settings.load()
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc
    if not settings.slack_bot_token:
        raise fail(
            "SLACK_BOT_TOKEN is not set. Create the Slack app from "
            "bot/slack/manifest.yml, install it, and put its bot token (xoxb-…) into "
            ".env",
            2,
        )
    use_socket = socket or (bool(settings.slack_app_token) and not http)
    if use_socket and not settings.slack_app_token:
        raise fail(
            "--socket needs SLACK_APP_TOKEN (an app-level token, xapp-…, with the "
            "connections:write scope)",
            2,
        )
    return settings, use_socket


def _start_sender(
    eng: Engine, client: WebClient, settings: Settings, stop: threading.Event, wake: threading.Event
) -> threading.Thread:
    sender = OutboxSender(
        eng,
        client,
        now,
        alert_channel=settings.alert_channel,
        handover_channel=settings.handover_channel,
        pace=settings.outbox_pace_seconds,
        burst=settings.outbox_burst,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        routing=settings.routing(),
        triage=settings.triage,
        locale=settings.locale,
        workers=_lanes(eng),
        sla=Sla.of(settings),
    )
    thread = threading.Thread(
        target=sender.run, args=(stop,), kwargs={"wake": wake}, name="outbox", daemon=True
    )
    thread.start()
    return thread


def _start_digest_sender(
    eng: Engine, client: WebClient, stop: threading.Event, wake: threading.Event
) -> threading.Thread:
    """The weekly digest's sender: its message and its chart (kinds `digest.%`)."""
    sender = JobsSender(eng, client, now)
    thread = threading.Thread(
        target=sender.run, args=(stop,), kwargs={"wake": wake}, name="digest", daemon=True
    )
    thread.start()
    return thread


def _serve(
    bolt: App,
    settings: Settings,
    eng: Engine,
    wake_all: Callable[[], None],
    *,
    host: str,
    port: int,
    use_socket: bool,
) -> None:
    """Serve HTTP until stopped: the ingest API always, Slack's requests unless over a socket."""
    import uvicorn

    from bot.http.app import create_http_app

    handler = None
    if use_socket:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        console.print("sdrbot is connecting to Slack over Socket Mode.")
        handler = SocketModeHandler(bolt, settings.slack_app_token.value)
        handler.connect()  # Slack's requests come over the socket, on its own threads
    else:
        console.print(f"sdrbot serves Slack at http://{host}:{port}/slack/events")
    console.print(
        f"The ingest API is at http://{host}:{port}/api/v1 (docs at "
        f"http://{host}:{port}/docs), its health at /healthz and /readyz."
    )
    try:
        # Socket Mode's requests are not signed: the HTTP app then has no Slack endpoint
        uvicorn.run(
            create_http_app(None if use_socket else bolt, engine=eng, wake=wake_all),
            host=host,
            port=port,
            log_level="info",
        )
    finally:
        if handler is not None:
            handler.close()


def _lanes(eng: Engine) -> int:
    """Channels served in parallel; one for an in-memory SQLite, whose one connection is shared."""
    return 1 if one_connection(eng) else 8
