"""Who may claim and decide MQLs: the Slack users and user groups named in the config.

Group members are read from Slack (usergroups.users.list) and kept for a few minutes, so a
click costs no extra API call. If Slack cannot tell (missing `usergroups:read`, a wrong
group id), the check fails closed: nobody outside the named users decides by accident.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.settings import Settings

log = logging.getLogger(__name__)
MEMBERS_TTL = 300.0


class Deciders:
    def __init__(
        self,
        settings: Settings,
        client: WebClient,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        ttl: float = MEMBERS_TTL,
        users: tuple[str, ...] | None = None,
        groups: tuple[str, ...] | None = None,
        open_when_empty: bool = True,
    ) -> None:
        # the same check serves other roles (marketing ops' approvers) given their own lists
        self.users = frozenset(settings.deciders if users is None else users)
        self.groups = tuple(settings.decider_groups if groups is None else groups)
        self.open_when_empty = open_when_empty
        self.client = client
        self.monotonic = monotonic
        self.ttl = ttl
        self._members: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    @property
    def anyone(self) -> bool:
        return self.open_when_empty and not self.users and not self.groups

    @property
    def nobody(self) -> bool:
        return not self.open_when_empty and not self.users and not self.groups

    def allows(self, user_id: str) -> bool:
        if self.anyone or user_id in self.users:
            return True
        return any(user_id in self.members(group) for group in self.groups)

    def members(self, group: str) -> frozenset[str]:
        now = self.monotonic()
        with self._lock:
            cached = self._members.get(group)
            if cached and now - cached[0] < self.ttl:
                return cached[1]
        try:
            users = frozenset(self.client.usergroups_users_list(usergroup=group)["users"])
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.error(
                "cannot read the members of user group %s (%s); its members may not "
                "decide until it can be read",
                group,
                exc,
            )
            return cached[1] if cached else frozenset()
        with self._lock:
            self._members[group] = (now, users)
        return users
