"""The Bolt app, built by a factory: nothing touches the network at import or construction.

The Web API client is injected (the real one, or one pointed at a fake Slack or a proxy), and
token verification is off so that building the app makes no `auth.test` call; the doctor
checks the token instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.settings import Settings, SettingsError
from bot.slack.listeners import register_all
from bot.slack.roles import Deciders
from bot.slack.services import CONTEXT_KEY, Services

log = logging.getLogger(__name__)


def build_app(
    settings: Settings,
    *,
    engine: Engine,
    client: WebClient,
    clock: Callable[[], datetime],
    wake: Callable[[], None] | None = None,
    socket_mode: bool = False,
    process_before_response: bool = False,
) -> App:
    """The app; `process_before_response` makes tests see a listener's effects on return."""
    if not socket_mode and not settings.slack_signing_secret:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is not set: Slack's requests over HTTP cannot "
            "be verified without it. Copy it from your Slack app's Basic "
            "Information page into .env, or use Socket Mode (SLACK_APP_TOKEN)."
        )
    learning = settings.learning
    approvers = Deciders(
        settings,
        client,
        users=learning.approvers,
        groups=learning.approver_groups,
        open_when_empty=False,
    )
    svc = Services(
        settings, engine, clock, Deciders(settings, client), wake or (lambda: None), approvers
    )
    app = App(
        client=client,
        # Bolt insists on a secret even when it verifies nothing (Socket Mode)
        signing_secret=settings.slack_signing_secret.value or "unused-in-socket-mode",
        # Socket Mode requests come over an authenticated socket and carry no signature
        request_verification_enabled=not socket_mode,
        token_verification_enabled=False,
        process_before_response=process_before_response,
        logger=log,
    )

    @app.middleware
    def _services(context: BoltContext, next: Callable[[], Any]) -> Any:
        context[CONTEXT_KEY] = svc
        return next()

    register_all(app)
    return app
