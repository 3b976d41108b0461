"""`sdrbot start` (what `make run` runs): the bot when Slack is configured, else the sandbox.

A new user without a Slack app sees the bot at work in a browser (a local stand-in for Slack,
with its own database), and is told the three steps that connect a real workspace.
"""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import console, fail
from bot.cli.run import run
from bot.cli.sandbox import sandbox_cmd
from bot.settings import Settings, SettingsError

CONNECT = """[bold]Connect Slack[/] (then `make run` starts the bot):
  1. `sdrbot manifest > manifest.yml` and create the app from it at api.slack.com/apps
     ("From an app manifest"), then install it to your workspace.
  2. Put SLACK_BOT_TOKEN=xoxb-… and SLACK_APP_TOKEN=xapp-… (Socket Mode) or
     SLACK_SIGNING_SECRET=… (HTTP) into .env, and SDRBOT_ALERT_CHANNEL=#your-channel.
  3. `sdrbot doctor` checks everything and says what to fix."""


def register(app: typer.Typer) -> None:
    app.command("start")(start_cmd)


def start_cmd() -> None:
    """Run the bot if a Slack token is configured; otherwise the sandbox in a browser, after
    explaining how to connect Slack."""
    try:
        settings = Settings.load()
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc
    if settings.slack_bot_token:
        run(http=False, socket=False, port=3000, host="0.0.0.0")
        return
    console.print("No SLACK_BOT_TOKEN is configured: starting the sandbox, a local Slack stand-in.")
    console.print(CONNECT)
    console.print()
    sandbox_cmd(port=3000, database=Path("sandbox.db"), stream=True)
