"""The stand-in Slack of the sandbox: the Web API fake (`slackapi/`) served inside the bot's
own ASGI app, plus what Slack's client does around it for a person at a page.

It issues trigger ids (valid for three seconds, like Slack's) and remembers whose they were, so
a modal the bot opens shows for the person who clicked; it serves the response_urls it hands
out; it keeps Slack's own answers (an unknown command, a failed app) as ephemeral messages;
and it counts every change, which the page follows over server-sent events.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.sandbox.slackapi.api import SlackError
from bot.sandbox.slackapi.server import FakeSlack
from bot.sandbox.slackapi.wire import Response, json_response, parse_args
from bot.sandbox.workspace import CHANNELS, PEOPLE

log = logging.getLogger(__name__)
TRIGGER_TTL = 3.0  # seconds, as Slack's
SLACKBOT = "USLACKBOT"


@dataclass(frozen=True)
class Hook:
    user: str
    channel: str
    ephemeral_ts: str | None  # the ephemeral message the click came from, if any


class SandboxSlack(FakeSlack):
    def __init__(self, root_url: str, token: str, clock: Callable[[], float] = time.time) -> None:
        self._root = root_url.rstrip("/") + "/"
        super().__init__(tokens=[token], channels=CHANNELS)
        self.workspace.now = clock  # message timestamps in the sandbox's time
        for person in PEOPLE:
            self.add_user(
                person.id, person.name, f"{person.name}@sandbox.example", real_name=person.real_name
            )
        self.version = 0
        self._triggers: dict[str, tuple[str, float]] = {}
        self._hooks: dict[str, Hook] = {}
        self.modals: dict[str, list[str]] = {}  # user -> their stack of open view ids

    @property
    def root_url(self) -> str:
        return self._root

    def start(self) -> FakeSlack:
        raise RuntimeError("the sandbox's Slack is served by the sandbox's ASGI app")

    def touch(self) -> None:
        with self.lock:
            self.version += 1

    # what Slack's client hands the app ------------------------------------------------------

    def issue_trigger(self, user: str) -> str:
        trigger = self.trigger_id()
        with self.lock:
            self._triggers[trigger] = (user, time.monotonic())
        return trigger

    def new_hook(self, user: str, channel: str, ephemeral_ts: str | None = None) -> str:
        token = secrets.token_hex(8)
        with self.lock:
            self._hooks[token] = Hook(user, channel, ephemeral_ts)
        return f"{self.root_url}hooks/{token}"

    def note(self, user: str, channel: str, text: str, *, blocks: Any = None, by: str = "") -> None:
        """An ephemeral message only `user` sees: Slack's own (by Slackbot) or an app's answer."""
        with self.lock:
            entry: dict[str, Any] = {
                "channel": channel,
                "user": user,
                "message_ts": self.workspace.new_ts(),
                "thread_ts": None,
                "text": text,
                "by": by,
            }
            if blocks:
                entry["blocks"] = blocks
            self.workspace.ephemerals.append(entry)
        self.touch()

    def post_as(
        self, user: str, channel: str, text: str, thread_ts: str | None = None
    ) -> dict[str, Any] | None:
        """A person's own message in a channel (or a thread of it), as Slack stores it."""
        with self.lock:
            found = self.workspace.resolve_channel(channel)
            if found is None:
                return None
            message = self.workspace.post(found, {"text": text, "thread_ts": thread_ts})
            for key in ("bot_id", "app_id", "subtype"):
                message.pop(key, None)
            message["user"] = user
            shown = json.loads(json.dumps(message))
        self.touch()
        return dict(shown)

    def close_view(self, user: str, view_id: str, *, all_views: bool = False) -> None:
        with self.lock:
            stack = self.modals.get(user, [])
            if all_views:
                stack.clear()
            elif view_id in stack:
                stack.remove(view_id)

    # the Web API, as the bot calls it -------------------------------------------------------

    def handle(
        self, verb: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        if path.startswith("/hooks/") and verb == "POST":
            answer = self._hook_answer(path[len("/hooks/") :], body)
            self.touch()
            return answer
        method = path[len("/api/") :] if path.startswith("/api/") else ""
        opener = None
        if method in ("views.open", "views.push"):
            opener, refused = self._trigger_user(query, headers, body)
            if refused:
                return json_response(200, {"ok": False, "error": refused})
        with self.lock:
            seen = len(self._api.problems)
        answer = super().handle(verb, path, query, headers, body)
        with self.lock:
            for problem in self._api.problems[seen:]:
                # what the real Slack would refuse (or frown at) is a bug worth a line in the log
                log.warning(
                    "Slack would object to %s: %s %s",
                    problem.method,
                    problem.error,
                    " ".join(problem.messages),
                )
        if opener is not None and answer[0] == 200:
            reply = json.loads(answer[2])
            if reply.get("ok"):
                with self.lock:
                    stack = self.modals.setdefault(opener, [])
                    if method == "views.open":
                        stack.clear()
                    stack.append(reply["view"]["id"])
        self.touch()
        return answer

    def _trigger_user(
        self, query: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[str | None, str | None]:
        """Whose click the trigger came from, or Slack's error for a trigger it would refuse."""
        try:
            args = parse_args(query, headers, body)[0]
        except SlackError as err:
            return None, err.error
        trigger = str(args.get("trigger_id") or args.get("interactivity_pointer") or "")
        with self.lock:
            issued = self._triggers.get(trigger)
        if issued is None:
            return None, None  # the fake itself answers a missing or malformed trigger
        user, at = issued
        if time.monotonic() - at > TRIGGER_TTL:
            return None, "expired_trigger_id"
        return user, None

    def _hook_answer(self, token: str, body: bytes) -> Response:
        with self.lock:
            hook = self._hooks.get(token)
        if hook is None:
            return 404, {"Content-Type": "text/plain"}, b"no_service"
        try:
            message = json.loads(body or b"{}")
        except ValueError:
            message = None
        if isinstance(message, dict) and message.get("delete_original"):
            status, headers, text = 200, {"Content-Type": "text/plain"}, b"ok"
        else:  # the fake's own check: a JSON object with a text or blocks
            status, headers, text = self._hook(token, body)
        if status != 200 or not isinstance(message, dict):
            return status, headers, text
        with self.lock:
            ephemerals = self.workspace.ephemerals
            original = next(
                (
                    e
                    for e in ephemerals
                    if hook.ephemeral_ts and e["message_ts"] == hook.ephemeral_ts
                ),
                None,
            )
            if original is not None and message.get("delete_original"):
                ephemerals.remove(original)
                return status, headers, text
            if original is not None and message.get("replace_original"):
                original["text"] = message.get("text", "")
                original["blocks"] = message.get("blocks") or []
                return status, headers, text
        if message.get("response_type") == "in_channel":
            with self.lock:
                found = self.workspace.resolve_channel(hook.channel)
                if found is not None:
                    self.workspace.post(
                        found, {"text": message.get("text"), "blocks": message.get("blocks")}
                    )
        else:
            self.note(
                hook.user, hook.channel, message.get("text", ""), blocks=message.get("blocks")
            )
        return status, headers, text

    # what the page shows -------------------------------------------------------------------

    def state(self, user: str) -> dict[str, Any]:
        with self.lock:
            ws = self.workspace
            channels = [
                {"id": c.id, "name": c.name, "messages": ws.messages.get(c.id, [])[-200:]}
                for c in ws.channels.values()
                if not c.is_im
            ]
            stack = self.modals.get(user, [])
            return json.loads(
                json.dumps(
                    {
                        "version": self.version,
                        "user": user,
                        "users": {u["id"]: u["profile"]["real_name"] for u in ws.users.values()},
                        "channels": channels,
                        "ephemerals": [e for e in ws.ephemerals if e["user"] == user],
                        "home": ws.home_views.get(user),
                        "modal": ws.views.get(stack[-1]) if stack else None,
                    }
                )
            )
