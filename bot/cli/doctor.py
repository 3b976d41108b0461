"""`sdrbot doctor`: check the setup and say what to fix."""

from __future__ import annotations

import typer
from rich.markup import escape

from bot.cli.common import console, fail, now
from bot.settings import Settings, SettingsError
from bot.slack.doctor import run_checks
from bot.slack.outbox import make_client

MARKS = {"ok": "[green]✔[/]", "warn": "[yellow]![/]", "fail": "[red]✖[/]"}


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)


def doctor() -> None:
    """Check the database, the Slack token and its scopes, the channels and the roles."""
    try:
        settings = Settings.load()
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc
    where = settings.config_path or "none (defaults; see sdrbot.example.toml)"
    console.print(f"Config file: {escape(str(where))}")
    checks = run_checks(settings, make_client, now())
    for check in checks:
        console.print(f"{MARKS[check.level]} [bold]{escape(check.name)}[/]: {escape(check.detail)}")
        if check.fix and check.level != "ok":
            console.print(f"    → {escape(check.fix)}")
    failed = sum(c.level == "fail" for c in checks)
    if failed:
        raise fail(f"{failed} problem{'s' if failed > 1 else ''} to fix before `sdrbot run`")
    console.print("Everything needed to run the bot is in place.")
