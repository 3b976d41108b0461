"""Everything `sdrbot sandbox` starts: the sandbox's database, the stand-in Slack, the real Bolt
app and outbox sender pointed at it, the demo stream, and the one ASGI app on 127.0.0.1."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from slack_bolt import App
from sqlalchemy.engine import Engine

from bot.jobs.sla_clock import Sla
from bot.sandbox.app import create_sandbox_app
from bot.sandbox.stand_in import SandboxSlack
from bot.sandbox.stream import DemoStream
from bot.sandbox.workspace import sandbox_settings
from bot.settings import Settings
from bot.slack.app import build_app
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
    threads: list[threading.Thread] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def start_threads(self, sender: OutboxSender, wake: threading.Event) -> None:
        self.threads.append(
            threading.Thread(
                target=sender.run,
                args=(self.stop,),
                kwargs={"wake": wake},
                daemon=True,
                name="sandbox-outbox",
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


def _is_empty(engine: Engine) -> bool:
    with session_scope(engine) as session:
        return not lead_repo.ranked(session=session, limit=1)


def _demo_key(engine: Engine, now: datetime) -> str:
    with session_scope(engine) as session:
        name = f"sandbox-demo-{now:%Y%m%d%H%M%S}"
        return api_keys.create(session, name, now=now, actor="sandbox").secret


def build_sandbox(
    base: Settings,
    clock: Callable[[], datetime],
    *,
    port: int,
    database: Path = SANDBOX_DB,
    stream: bool = True,
    stream_pace: float | None = None,
) -> Sandbox:
    """The sandbox, not yet serving; `start_threads` and `close` are the caller's."""
    url = f"http://{HOST}:{port}"
    token, secret = f"xoxb-sandbox-{secrets.token_hex(8)}", secrets.token_hex(16)
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    stand_in = SandboxSlack(f"{url}/slackapi/", token)
    settings = sandbox_settings(
        base,
        api_url=stand_in.base_url,
        token=token,
        signing_secret=secret,
        database_url=f"sqlite:///{database}",
    )
    client = make_client(token, stand_in.base_url)
    wake = threading.Event()
    bolt = build_app(settings, engine=engine, client=client, clock=clock, wake=wake.set)
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
        wake=wake.set,
        stream=feeder,
        closing=stop,
    )
    sandbox = Sandbox(app, url, stand_in, engine, bolt, feeder, stop=stop)
    sender = OutboxSender(
        engine,
        client,
        clock,
        alert_channel=settings.alert_channel,
        handover_channel=settings.handover_channel,
        pace=PACE,
        routing=settings.routing(),
        workers=4,
        locale=settings.locale,
        sla=Sla.of(settings),
    )
    sandbox.start_threads(sender, wake)
    return sandbox
