"""The modals' submissions: the decisions (decisions.py), a reassignment and an AE's send-back
(triage.py)."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners.views import decisions, triage

CALLBACKS = (*decisions.CALLBACKS, *triage.CALLBACKS)


def register(app: App) -> None:
    for callback_id in decisions.CALLBACKS:
        app.view(callback_id)(decisions.on_submit)
    app.view(triage.REASSIGN_CALLBACK)(triage.on_reassign)
    app.view(triage.SEND_BACK_CALLBACK)(triage.on_send_back)
