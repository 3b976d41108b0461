"""Everything `sdrbot sandbox` starts: the sandbox's database and clock, the stand-in Slack (its
channels kept beside the database), the real Bolt app and the outbox and jobs senders pointed at
it, the demo stream, and the one ASGI app on 127.0.0.1."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.jobs.sla_clock import Sla
from bot.outbox.sender import Sender
from bot.sandbox.app import create_sandbox_app
from bot.sandbox.clock import SandboxClock, clock_file
from bot.sandbox.controls import TimeControls
from bot.sandbox.keeping import keep, kept_file, restore
from bot.sandbox.stand_in import SandboxSlack
from bot.sandbox.stream import DemoStream
from bot.sandbox.workspace import sandbox_settings
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.jobs_transport import JobsSender
from bot.slack.outbox import OutboxSender, make_client
from bot.usecases.admin import api_keys
from storage.db import make_engine, session_scope
from storage.repositories import leads as lead_repo
from storage.schema import upgrade

HOST = "127.0.0.1"  # the sandbox signs as the app and holds an API key: this computer only
SANDBOX_DB = Path("sandbox.db")
PACE = 0.3  # seconds between two posts to one channel: quick, and still in order


@dataclass
class Sandbox:
    app: FastAPI
    url: str
    stand_in: SandboxSlack
    engine: Engine
    bolt: App
    stream: DemoStream | None
    clock: SandboxClock
    threads: list[threading.Thread] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def start_threads(self, senders: dict[str, tuple[Sender[Any], threading.Event]]) -> None:
        """Each sender with the event that wakes it (its own: a sender clears what it waits on)."""
        for name, (sender, wake) in senders.items():
            self.threads.append(
                threading.Thread(
                    target=sender.run,
                    args=(self.stop,),
                    kwargs={"wake": wake},
                    daemon=True,
                    name=f"sandbox-{name}",
                )
            )
        if self.stream is not None:
            self.threads.append(
                threading.Thread(
                    target=self.stream.run, args=(self.stop,), daemon=True, name="sandbox-stream"
                )
            )
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)


class UnheardMessages(logging.Filter):
    """Bolt warns of each event no listener takes. The sandbox sends the bot every message a
    person types, as Slack would to an app subscribed to message events; the bot listens to
    none, and a warning for each message typed on the page would only drown the real ones."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return not (text.startswith("Unhandled request") and "'type': 'message'" in text)


def _is_empty(engine: Engine) -> bool:
    with session_scope(engine) as session:
        return not lead_repo.ranked(session=session, limit=1)


def _demo_key(engine: Engine, now: datetime) -> str:
    with session_scope(engine) as session:
        name = f"sandbox-demo-{now:%Y%m%d%H%M%S}"
        return api_keys.create(session, name, now=now, actor="sandbox").secret


def build_sandbox(
    base: Settings,
    real_clock: Callable[[], datetime],
    *,
    port: int,
    database: Path = SANDBOX_DB,
    stream: bool = True,
    stream_pace: float | None = None,
) -> Sandbox:
    """The sandbox, serving once the caller serves its app; `close` is the caller's."""
    url = f"http://{HOST}:{port}"
    token, secret = f"xoxb-sandbox-{secrets.token_hex(8)}", secrets.token_hex(16)
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    clock = SandboxClock(clock_file(database), base, real_clock)
    stand_in = SandboxSlack(f"{url}/slackapi/", token, clock=clock.timestamp)
    restore(stand_in, kept_file(database))
    settings = sandbox_settings(
        base,
        api_url=stand_in.base_url,
        token=token,
        signing_secret=secret,
        database_url=f"sqlite:///{database}",
    )
    client = make_client(token, stand_in.base_url)
    wake, jobs_wake = threading.Event(), threading.Event()

    def wake_all() -> None:
        wake.set()
        jobs_wake.set()

    bolt = build_app(settings, engine=engine, client=client, clock=clock, wake=wake_all)
    bolt.logger.addFilter(UnheardMessages())
    stop = threading.Event()
    feeder = None
    if stream and _is_empty(engine):
        feeder = DemoStream(url, _demo_key(engine, clock()), clock)
        if stream_pace is not None:
            feeder.pace = stream_pace
    app = create_sandbox_app(
        stand_in=stand_in,
        bolt=bolt,
        engine=engine,
        secret=secret,
        root_url=url,
        wake=wake_all,
        stream=feeder,
        closing=stop,
        clock=clock,
        controls=TimeControls(engine, settings, clock, wake_all),
        locale=settings.locale,
        timezone=settings.timezone,
    )
    sandbox = Sandbox(app, url, stand_in, engine, bolt, feeder, clock, stop=stop)
    keeper = threading.Thread(
        target=keep, args=(stand_in, kept_file(database), stop), daemon=True, name="sandbox-keep"
    )
    sandbox.threads.append(keeper)
    sandbox.start_threads(_senders(engine, client, clock, settings, wake, jobs_wake))
    return sandbox


def _senders(
    engine: Engine,
    client: WebClient,
    clock: SandboxClock,
    settings: Settings,
    wake: threading.Event,
    jobs_wake: threading.Event,
) -> dict[str, tuple[Sender[Any], threading.Event]]:
    alerts = OutboxSender(
        engine,
        client,
        clock,
        alert_channel=settings.alert_channel,
        handover_channel=settings.handover_channel,
        pace=PACE,
        routing=settings.routing(),
        triage=settings.triage,
        locale=settings.locale,
        workers=4,
        sla=Sla.of(settings),
    )
    # the digest, its chart and the SLA's reminders, as `sdrbot run` sends them
    jobs = JobsSender(engine, client, clock)
    return {"outbox": (alerts, wake), "jobs": (jobs, jobs_wake)}
