"""A person's act on the sandbox's page, turned into the signed request Slack would send the
bot, and the bot's answer shown the way Slack's client shows it.

The request goes over HTTP to the bot's own `/slack/events`, where Bolt checks its signature
like any other: the bot cannot tell the page from Slack.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from bot.sandbox import requests as slack
from bot.sandbox.stand_in import SLACKBOT, SandboxSlack
from bot.sandbox.workspace import PEOPLE
from bot.slack.listeners.commands import COMMANDS
from bot.words import say

JSON = "application/json"


class BadAct(ValueError):
    """The page sent something no Slack client could (an unknown person or view)."""


class Interactions:
    def __init__(
        self, stand_in: SandboxSlack, events_url: str, secret: str, locale: str = "en"
    ) -> None:
        self.stand_in = stand_in
        self.events_url = events_url
        self.secret = secret
        self.locale = locale  # of Slack's own answers and the page's errors
        self.http = httpx.AsyncClient(timeout=10)

    def _say(self, key: str, **values: Any) -> str:
        return say(self.locale, f"sandbox.{key}", **values)

    async def _send(self, body: str, content_type: str = slack.FORM) -> httpx.Response:
        headers = slack.signed_headers(body, self.secret, content_type)
        return await self.http.post(self.events_url, content=body.encode(), headers=headers)

    def _person(self, user_id: object) -> dict[str, str]:
        person = next((p for p in PEOPLE if p.id == user_id), None)
        if person is None:
            raise BadAct(self._say("error.no_person", user=user_id))
        return slack.user_of(person.id, person.name)

    def _channel(self, channel_id: object) -> dict[str, str]:
        with self.stand_in.lock:
            found = self.stand_in.workspace.resolve_channel(str(channel_id or ""))
        if found is None:
            raise BadAct(self._say("error.no_channel", channel=channel_id))
        return {"id": found.id, "name": found.name}

    def _view(self, view_id: object) -> dict[str, Any]:
        with self.stand_in.lock:
            view = self.stand_in.workspace.views.get(str(view_id or ""))
            if view is None:
                raise BadAct(self._say("error.no_view", view=view_id))
            return json.loads(json.dumps(view))

    async def act(self, act: dict[str, Any]) -> dict[str, Any]:
        kind = act.get("kind")
        user = self._person(act.get("user"))
        if kind == "click":
            return await self.click(user, act)
        if kind == "submit":
            return await self.submit(user, act)
        if kind == "close":
            return await self.close(user, act)
        if kind == "message":
            return await self.message(user, act)
        if kind == "home":
            return await self.home(user)
        raise BadAct(self._say("error.unknown_act", kind=kind))

    async def click(self, user: dict[str, str], act: dict[str, Any]) -> dict[str, Any]:
        action = act.get("action")
        if not isinstance(action, dict) or not action.get("action_id"):
            raise BadAct(self._say("error.no_action"))
        trigger = self.stand_in.issue_trigger(user["id"])
        if act.get("view_id"):
            body = slack.block_actions(
                user=user,
                action=action,
                trigger_id=trigger,
                response_url=None,
                view=self._view(act["view_id"]),
            )
            channel_id = ""
        else:
            channel = self._channel(act.get("channel"))
            channel_id = channel["id"]
            ephemeral_ts = act.get("ephemeral_ts") or None
            with self.stand_in.lock:
                found = self.stand_in.workspace.find_message(channel_id, str(act.get("ts")))
                message = json.loads(json.dumps(found)) if found else None
            body = slack.block_actions(
                user=user,
                action=action,
                trigger_id=trigger,
                response_url=self.stand_in.new_hook(user["id"], channel_id, ephemeral_ts),
                channel=channel,
                message=message,
                ephemeral_ts=ephemeral_ts,
            )
        answer = await self._send(body)
        if answer.status_code != 200 and channel_id:
            self.stand_in.note(
                user["id"],
                channel_id,
                self._say("slack.app_failed", status=answer.status_code),
                by=SLACKBOT,
            )
        return {"ok": answer.status_code == 200}

    async def submit(self, user: dict[str, str], act: dict[str, Any]) -> dict[str, Any]:
        view = self._view(act.get("view_id"))
        values = act.get("values")
        view["state"] = {"values": values if isinstance(values, dict) else {}}
        trigger = self.stand_in.issue_trigger(user["id"])
        answer = await self._send(slack.view_submission(user=user, view=view, trigger_id=trigger))
        if answer.status_code != 200:
            return {"ok": False, "error": self._say("slack.modal_trouble")}
        reply = answer.json() if answer.content.strip() else {}
        action = reply.get("response_action")
        if action == "errors":
            return {"ok": False, "errors": reply.get("errors") or {}}
        if action == "update" and isinstance(reply.get("view"), dict):
            with self.stand_in.lock:
                stored = self.stand_in.workspace.views[view["id"]]
                stored.update(reply["view"])
                stored["hash"] = f"{time.time():.6f}.updated"  # the page redraws a new hash
        else:
            self.stand_in.close_view(user["id"], view["id"], all_views=action == "clear")
        self.stand_in.touch()
        return {"ok": True}

    async def close(self, user: dict[str, str], act: dict[str, Any]) -> dict[str, Any]:
        view = self._view(act.get("view_id"))
        self.stand_in.close_view(user["id"], view["id"])
        self.stand_in.touch()
        if view.get("notify_on_close"):
            await self._send(slack.view_closed(user=user, view=view))
        return {"ok": True}

    async def message(self, user: dict[str, str], act: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(act.get("channel"))
        text = str(act.get("text") or "").strip()
        if not text:
            return {"ok": True}
        if not text.startswith("/"):
            return await self.said(user, channel, text, act.get("thread_ts") or None)
        command, _, rest = text.partition(" ")
        if command not in COMMANDS:
            self.stand_in.note(
                user["id"],
                channel["id"],
                self._say("slack.not_a_command", command=command),
                by=SLACKBOT,
            )
            return {"ok": True}
        trigger = self.stand_in.issue_trigger(user["id"])
        body = slack.slash_command(
            user=user,
            channel=channel,
            command=command,
            text=rest.strip(),
            trigger_id=trigger,
            response_url=self.stand_in.new_hook(user["id"], channel["id"]),
        )
        answer = await self._send(body)
        if answer.status_code != 200:
            self.stand_in.note(
                user["id"],
                channel["id"],
                self._say("slack.failed_command", command=command),
                by=SLACKBOT,
            )
        elif answer.content.strip():
            self._show_answer(user["id"], channel["id"], answer)
        return {"ok": True}

    async def said(
        self, user: dict[str, str], channel: dict[str, str], text: str, thread_ts: object
    ) -> dict[str, Any]:
        """A person's message: shown at once, and sent to the bot as the Events API sends a
        `message` event. The bot may not listen (nor would Slack send it, unless the app
        subscribes to message events); the page shows the message either way."""
        thread = str(thread_ts) if thread_ts else None
        message = self.stand_in.post_as(user["id"], channel["id"], text, thread)
        if message is not None:
            with self.stand_in.lock:
                parent = self.stand_in.workspace.find_message(channel["id"], thread or "")
                parent_user = str(parent.get("user") or "") if parent else None
            body = slack.message_event(
                user_id=user["id"],
                channel_id=channel["id"],
                message=message,
                parent_user=parent_user,
            )
            await self._send(body, JSON)  # an app's answer to an event is its 200, or nothing
        return {"ok": True}

    def _show_answer(self, user_id: str, channel_id: str, answer: httpx.Response) -> None:
        """A command's acknowledgement with a message: Slack shows it to the asker only,
        unless the app asked for `in_channel`."""
        try:
            reply = answer.json()
        except ValueError:
            reply = {"text": answer.text}
        if reply.get("response_type") == "in_channel":
            with self.stand_in.lock:
                found = self.stand_in.workspace.resolve_channel(channel_id)
                if found is not None:
                    self.stand_in.workspace.post(
                        found, {"text": reply.get("text"), "blocks": reply.get("blocks")}
                    )
            self.stand_in.touch()
            return
        self.stand_in.note(user_id, channel_id, reply.get("text", ""), blocks=reply.get("blocks"))

    async def home(self, user: dict[str, str]) -> dict[str, Any]:
        with self.stand_in.lock:
            im = self.stand_in.workspace.open_im(user["id"])
            view = self.stand_in.workspace.home_views.get(user["id"])
        body = slack.home_opened(user_id=user["id"], channel_id=im.id, view=view)
        answer = await self._send(body, JSON)
        return {"ok": answer.status_code == 200}
