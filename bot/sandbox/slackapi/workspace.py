"""The fake workspace's state: channels, users, messages, views and uploaded files.

No HTTP here; `methods.py` reads and changes this state, `server.py` guards it with one lock.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TEAM_ID = "T0FAKE001"
BOT_USER_ID = "U0SDRBOT1"
BOT_ID = "B0SDRBOT1"
APP_ID = "A0SDRBOT1"


@dataclass
class Channel:
    id: str
    name: str
    is_im: bool = False
    user: str | None = None  # the other party of an IM
    is_member: bool = True
    is_archived: bool = False


@dataclass
class UploadedFile:
    id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str | None = None
    shared_to: list[str] = field(default_factory=list)


class Workspace:
    def __init__(self) -> None:
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}  # group id -> member user ids
        # what auth.test reports in X-OAuth-Scopes
        self.scopes: list[str] = [
            "chat:write",
            "chat:write.public",
            "channels:history",
            "channels:read",
            "groups:history",
            "groups:read",
            "im:history",
            "commands",
            "users:read",
            "users:read.email",
            "usergroups:read",
            "files:write",
        ]
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel id -> in posting order
        self.ephemerals: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # posts to response_urls, with their "hook"
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.files: dict[str, UploadedFile] = {}
        self.used_trigger_ids: set[str] = set()
        self._ids = itertools.count(1)
        self._last_ts = 0.0
        self.now: Callable[[], float] = time.time  # the sandbox's clock when it moves on

    # ids and timestamps ------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return f"{prefix}0FAKE{next(self._ids):05d}"

    def new_ts(self) -> str:
        # Slack's ts is both the message's id and its time; it must be unique and increasing.
        now = max(self.now(), self._last_ts + 0.000001)
        self._last_ts = round(now, 6)
        return f"{self._last_ts:.6f}"

    # directory -------------------------------------------------------------------------------

    def add_channel(
        self,
        name: str,
        channel_id: str | None = None,
        *,
        is_member: bool = True,
        is_archived: bool = False,
    ) -> str:
        name = name.lstrip("#")
        channel = Channel(
            channel_id or self.new_id("C"), name, is_member=is_member, is_archived=is_archived
        )
        self.channels[channel.id] = channel
        self.messages.setdefault(channel.id, [])
        return channel.id

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        email: str | None = None,
        real_name: str | None = None,
        tz: str = "Europe/Berlin",
        is_bot: bool = False,
        deleted: bool = False,
    ) -> dict[str, Any]:
        user = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "deleted": deleted,
            "real_name": real_name or name,
            "tz": tz,
            "tz_offset": 3600,
            "is_bot": is_bot,
            "is_admin": False,
            "is_app_user": False,
            "profile": {
                "email": email,
                "real_name": real_name or name,
                "display_name": name,
                "team": TEAM_ID,
            },
        }
        self.users[user_id] = user
        return user

    def resolve_channel(self, ref: str) -> Channel | None:
        """A channel by id, `#name` or `name`; a user id means the bot's IM with that user."""
        if ref in self.channels:
            return self.channels[ref]
        name = ref.lstrip("#")
        for channel in self.channels.values():
            if not channel.is_im and channel.name == name:
                return channel
        if ref in self.users:
            return self.open_im(ref)
        return None

    def open_im(self, user_id: str) -> Channel:
        for channel in self.channels.values():
            if channel.is_im and channel.user == user_id:
                return channel
        channel = Channel(self.new_id("D"), user_id, is_im=True, user=user_id)
        self.channels[channel.id] = channel
        self.messages[channel.id] = []
        return channel

    def user_by_email(self, email: str) -> dict[str, Any] | None:
        wanted = email.strip().lower()
        for user in self.users.values():
            if (user["profile"].get("email") or "").lower() == wanted:
                return user
        return None

    # messages --------------------------------------------------------------------------------

    def find_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        for message in self.messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        return None

    def post(self, channel: Channel, fields: dict[str, Any]) -> dict[str, Any]:
        message = {
            "type": "message",
            "subtype": "bot_message",
            "ts": self.new_ts(),
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
        }
        message.update({k: v for k, v in fields.items() if v is not None})
        parent_ts = message.get("thread_ts")
        if parent_ts:
            parent = self.find_message(channel.id, parent_ts)
            if parent is not None:
                parent["thread_ts"] = parent_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = message["ts"]
                parent.setdefault("reply_users", [])
                if BOT_USER_ID not in parent["reply_users"]:
                    parent["reply_users"].append(BOT_USER_ID)
        self.messages.setdefault(channel.id, []).append(message)
        return message

    def top_level(self, channel_id: str) -> list[dict[str, Any]]:
        return [
            m
            for m in self.messages.get(channel_id, [])
            if m.get("thread_ts") in (None, m["ts"]) or m.get("reply_broadcast")
        ]

    def thread(self, channel_id: str, ts: str) -> list[dict[str, Any]]:
        root = self.find_message(channel_id, ts)
        if root is None:
            return []
        parent_ts = root.get("thread_ts") or root["ts"]
        return [
            m
            for m in self.messages.get(channel_id, [])
            if m["ts"] == parent_ts or m.get("thread_ts") == parent_ts
        ]
