"""Listeners grouped by kind; each group has `register(app)`."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, events, views

GROUPS = (actions, views, commands, events)


def register_all(app: App) -> None:
    for group in GROUPS:
        group.register(app)
