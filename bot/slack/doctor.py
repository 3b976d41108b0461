"""`sdrbot doctor`: is everything in place for the bot to work, and if not, what to do.

Each check returns a `Check`: ok, a warning (works, but probably not as intended) or a
failure, always with the fix in words an operator can act on. Nothing here posts a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import yaml
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings
from bot.slack.channels import is_channel_id
from bot.slack.roles import Deciders
from bot.slack.transport import SLACK_KINDS_LIKE
from bot.usecases.admin import retention
from bot.usecases.ingest import rejected
from bot.webhooks.health import webhook_problems
from storage.db import DatabaseURLError, describe, make_engine, session_scope
from storage.repositories import outbox
from storage.schema import current_revision, head_revision

MANIFEST = Path(__file__).with_name("manifest.yml")
Level = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    name: str
    level: Level
    detail: str
    fix: str = ""


def required_scopes() -> frozenset[str]:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return frozenset(manifest["oauth_config"]["scopes"]["bot"])


def check_database(url: str) -> Check:
    try:
        engine = make_engine(url)
        current, head = current_revision(engine), head_revision(engine)
        where = describe(engine)
        engine.dispose()
    except (DatabaseURLError, SQLAlchemyError) as exc:
        return Check(
            "database",
            "fail",
            f"cannot open it: {exc}".splitlines()[0],
            "check DATABASE_URL and that the database server runs",
        )
    if current != head:
        return Check(
            "database",
            "warn",
            f"{where} is at revision {current or 'none'}, the code expects {head}",
            "run `sdrbot db upgrade` (sdrbot run does it too)",
        )
    return Check("database", "ok", f"{where} (schema {head})")


def check_token(client: WebClient) -> tuple[Check, frozenset[str] | None]:
    try:
        answer = client.auth_test()
    except SlackApiError as exc:
        return Check(
            "Slack token",
            "fail",
            f"Slack refused it: {exc.response.get('error')}",
            "put the app's Bot User OAuth Token (xoxb-…) into SLACK_BOT_TOKEN",
        ), None
    except (SlackClientError, OSError) as exc:
        return Check(
            "Slack token",
            "fail",
            f"cannot reach Slack: {exc}",
            "check the network, or SLACK_API_URL if you set it",
        ), None
    headers = {k.lower(): v for k, v in (answer.headers or {}).items()}
    scopes = frozenset(
        s.strip() for s in str(headers.get("x-oauth-scopes", "")).split(",") if s.strip()
    )
    return Check("Slack token", "ok", f"bot @{answer.get('user')} in {answer.get('team')}"), scopes


def check_scopes(granted: frozenset[str]) -> Check:
    missing = sorted(required_scopes() - granted)
    if missing:
        return Check(
            "scopes",
            "fail",
            f"missing: {', '.join(missing)}",
            "add them under OAuth & Permissions (or recreate the app from "
            "bot/slack/manifest.yml) and reinstall the app",
        )
    return Check("scopes", "ok", "all the manifest's scopes are granted")


def check_channel(client: WebClient, role: str, ref: str) -> Check:
    name = f"{role} channel"
    if not is_channel_id(ref):
        return Check(
            name,
            "warn",
            f"{ref} is a name; it works, but after a crash the bot can "
            "only check for an already posted message once it has learnt the id",
            "use the channel id (channel details → bottom of the About tab)",
        )
    try:
        info = client.conversations_info(channel=ref)["channel"]
    except SlackApiError as exc:
        return Check(
            name,
            "fail",
            f"{ref}: {exc.response.get('error')}",
            "check the channel id, and that the bot can see the channel",
        )
    if info.get("is_archived"):
        return Check(name, "fail", f"#{info.get('name')} is archived", "use another channel")
    if not info.get("is_member"):
        return Check(
            name,
            "fail",
            f"the bot is not in #{info.get('name')}",
            f"type /invite @sdrbot in #{info.get('name')}",
        )
    return Check(name, "ok", f"#{info.get('name')} ({ref})")


def check_roles(settings: Settings, client: WebClient) -> Check:
    deciders = Deciders(settings, client)
    if deciders.anyone:
        return Check(
            "deciders",
            "warn",
            "no [roles] configured: anyone in the workspace may claim and decide MQLs",
            "list Slack user ids or user group ids under "
            "[roles] in sdrbot.toml if that is not what you want",
        )
    empty = [g for g in deciders.groups if not deciders.members(g)]
    if empty:
        return Check(
            "deciders",
            "fail",
            f"user groups without readable members: {', '.join(empty)}",
            "check the group ids and the usergroups:read scope",
        )
    return Check("deciders", "ok", f"{len(deciders.users)} users, {len(deciders.groups)} groups")


def check_webhooks(url: str, now: datetime) -> Check | None:
    try:
        engine = make_engine(url)
        active, problems = webhook_problems(engine, now=now)
        engine.dispose()
    except (DatabaseURLError, SQLAlchemyError):
        return None  # the database check says what is wrong
    if problems:
        return Check("webhooks", "warn", "; ".join(problems))
    if active:
        return Check("webhooks", "ok", f"{active} active, nothing failed or stuck")
    return None


STALE_BACKLOG = timedelta(minutes=10)  # a running bot posts within seconds


def check_backlog(url: str, now: datetime, pace: float) -> Check | None:
    """Messages queued for Slack and not posted: a bot that is not running (or cannot post), or
    a backlog the first start will post all at once (the demo's MQLs, say)."""
    try:
        engine = make_engine(url)
        waiting = outbox.backlog(engine, kind_like=SLACK_KINDS_LIKE)
        engine.dispose()
    except (DatabaseURLError, SQLAlchemyError):
        return None  # the database check says what is wrong
    if not waiting.pending or waiting.oldest is None:
        return None
    since = waiting.oldest if waiting.oldest.tzinfo else waiting.oldest.replace(tzinfo=UTC)
    if now - since < STALE_BACKLOG:
        return Check(
            "Slack messages", "ok", f"{waiting.pending:,} queued, the oldest {since:%H:%M} UTC"
        )
    minutes = max(1, round(waiting.pending * pace / 60))
    return Check(
        "Slack messages",
        "warn",
        f"{waiting.pending:,} wait to be posted, the oldest "
        f"since {since:%Y-%m-%d %H:%M} UTC; the bot posts them at about one every "
        f"{pace:g} s per channel (about {minutes} min in one channel)",
        "start the bot (`sdrbot run`) if it is not running; if it is, its log says why "
        "it cannot post. To start without them (the demo's sample, say), connect "
        "Slack to a new database (delete sdrbot.db, or another DATABASE_URL)",
    )


def check_retention(url: str, now: datetime) -> Check | None:
    """A hint once the tables that grow without bound hold many rows a prune would delete."""
    try:
        engine = make_engine(url)
        with session_scope(engine) as s:
            due = retention.prune(session=s, now=now, dry_run=True)
        engine.dispose()
    except (DatabaseURLError, SQLAlchemyError):
        return None  # the database check says what is wrong
    if due.total <= retention.DOCTOR_THRESHOLD:
        return None
    return Check(
        "retention",
        "warn",
        f"{due.outbox:,} sent messages and "
        f"{due.ingest_message:,} delivery ids are past their retention",
        "run `sdrbot db prune` (`--dry-run` shows the counts first)",
    )


def check_rejected(url: str) -> Check | None:
    """Calls of API batches that were kept instead of stored, and not replayed yet."""
    try:
        engine = make_engine(url)
        waiting, newest = rejected.open_count(engine)
        engine.dispose()
    except (DatabaseURLError, SQLAlchemyError):
        return None  # the database check says what is wrong
    if not waiting:
        return None
    return Check(
        "rejected API calls",
        "warn",
        f"{waiting:,} calls of the ingest API could not be stored (the newest "
        f"{newest:%Y-%m-%d %H:%M} UTC)",
        "`sdrbot ingest rejected` shows why; fix the cause, then `sdrbot ingest replay`",
    )


def run_checks(
    settings: Settings,
    make_client: Callable[[str, str | None], WebClient],
    now: datetime | None = None,
) -> list[Check]:
    checks = [check_database(settings.database_url)]
    if checks[0].level == "ok":
        at = now or datetime.now(UTC)
        hooks = check_webhooks(settings.database_url, at)
        prune = check_retention(settings.database_url, at)
        backlog = check_backlog(settings.database_url, at, settings.outbox_pace_seconds)
        kept = check_rejected(settings.database_url)
        checks.extend(c for c in (backlog, hooks, prune, kept) if c)
    if not settings.slack_bot_token:
        return [
            *checks,
            Check(
                "Slack token",
                "fail",
                "SLACK_BOT_TOKEN is not set",
                "create the app from bot/slack/manifest.yml, install it and "
                "put its bot token into .env",
            ),
        ]
    if not settings.slack_signing_secret and not settings.slack_app_token:
        checks.append(
            Check(
                "connection",
                "fail",
                "neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode) is set",
                "set one of them in .env (Basic Information page of the app)",
            )
        )
    client = make_client(settings.slack_bot_token.value, settings.slack_api_url)
    token, scopes = check_token(client)
    checks.append(token)
    if scopes is None:
        return checks
    checks.append(check_scopes(scopes))
    channels = [
        ("alert", settings.alert_channel),
        ("handover", settings.handover_channel),
        ("digest", settings.digest_channel),
        ("SLA escalation ([sla] manager_channel)", settings.manager_channel),
        *((f"routing rule {i}", r.channel) for i, r in enumerate(settings.routing_rules, start=1)),
    ]
    for role, ref in channels:
        checks.append(check_channel(client, role, ref))
    checks.append(check_roles(settings, client))
    return checks
