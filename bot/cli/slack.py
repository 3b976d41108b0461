"""`sdrbot manifest`: the Slack app manifest, to paste into "Create New App → From a manifest"."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml

from bot.cli.common import fail

MANIFEST = Path(__file__).resolve().parents[1] / "slack" / "manifest.yml"


def register(app: typer.Typer) -> None:
    app.command("manifest")(manifest)


def manifest(
    url: str | None = typer.Option(
        None,
        "--url",
        help="The bot's public base URL for HTTP mode, e.g. "
        "https://sdrbot.example.com (without it: Socket Mode).",
    ),
    name: str = typer.Option("sdrbot", "--name", help="The app's name in Slack."),
) -> None:
    """Print the Slack app manifest (YAML) for Socket Mode, or for HTTP with --url."""
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    data["display_information"]["name"] = name
    data["features"]["bot_user"]["display_name"] = name
    if url is not None:
        if not url.startswith("https://"):
            raise fail("--url must start with https:// (Slack sends requests only over HTTPS)", 2)
        events = url.rstrip("/") + "/slack/events"
        for command in data["features"]["slash_commands"]:
            command["url"] = events
        data["settings"]["event_subscriptions"]["request_url"] = events
        data["settings"]["interactivity"]["request_url"] = events
        data["settings"]["socket_mode_enabled"] = False
    typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), nl=False)
