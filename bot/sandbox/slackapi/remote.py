"""Drive a fake started with `python -m tests.fakeslack` from another process."""

from __future__ import annotations

import json
import urllib.request
from typing import Any


class RemoteFakeSlack:
    def __init__(self, root_url: str) -> None:
        self.root_url = root_url.rstrip("/") + "/"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}api/"

    def _call(self, action: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(payload or {}).encode()
        request = urllib.request.Request(
            f"{self.root_url}_fake/{action}",
            data=data,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            result: dict[str, Any] = json.loads(response.read())
        return result

    def reset(self) -> None:
        self._call("reset")

    def fail_next(self, method: str, status: int = 429, **options: Any) -> None:
        self._call("fail_next", {"method": method, "status": status, **options})

    def delay_next(self, method: str, seconds: float, **options: Any) -> None:
        self._call("delay_next", {"method": method, "seconds": seconds, **options})

    def rate_limit(
        self, method: str = "chat.postMessage", per_second: float | None = 1.0, burst: int = 1
    ) -> None:
        self._call("rate_limit", {"method": method, "per_second": per_second, "burst": burst})

    def add_channel(self, name: str, channel_id: str | None = None) -> str:
        return str(self._call("channels", {"name": name, "id": channel_id})["id"])

    def add_user(self, id: str, name: str, email: str | None = None) -> dict[str, Any]:
        user: dict[str, Any] = self._call("users", {"id": id, "name": name, "email": email})["user"]
        return user

    def messages(self, channel: str) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self._call("messages", {"channel": channel})["messages"]
        return messages

    @property
    def calls(self) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = self._call("state")["calls"]
        return calls

    @property
    def problems(self) -> list[dict[str, Any]]:
        problems: list[dict[str, Any]] = self._call("state")["problems"]
        return problems
