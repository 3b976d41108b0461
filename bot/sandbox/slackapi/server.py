"""A fake Slack Web API on a real socket, for tests and for end-to-end runs of the bot.

`FakeSlack` owns a `ThreadingHTTPServer` on 127.0.0.1 (port chosen by the OS unless given) and
serves `/api/<method>` the way slack.com does: form or JSON bodies, token from the Bearer header
or the `token` field, `{"ok": false, "error": ...}` answers with Slack's codes. Every call is
recorded; faults (429/5xx, slow or dropped responses) and a per-channel rate limit can be set
from the test. `/_fake/*` exposes the same controls over HTTP for a separately started process.
"""

from __future__ import annotations

# long module: the fake's whole surface for tests (lifecycle, directory, faults, recording)
import json
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from http.server import ThreadingHTTPServer
from typing import Any

from slack_sdk import WebClient

from bot.sandbox.slackapi import control
from bot.sandbox.slackapi.api import public
from bot.sandbox.slackapi.dispatch import Api, Call, Problem
from bot.sandbox.slackapi.faults import Fault, Faults, RateLimit, default_error
from bot.sandbox.slackapi.wire import RequestHandler, Response, json_response
from bot.sandbox.slackapi.workspace import Workspace

DEFAULT_TOKEN = "xoxb-fake-bot-token"


class FakeSlack:
    def __init__(
        self,
        *,
        tokens: Iterable[str] = (DEFAULT_TOKEN,),
        channels: Mapping[str, str | None] | Iterable[str] = (),
        users: Iterable[Mapping[str, Any]] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        strict_args: bool = True,
    ) -> None:
        self.tokens = list(tokens)
        self.workspace = Workspace()
        self.lock = threading.RLock()
        self._faults = Faults()
        self._api = Api(
            self.workspace, self._faults, self.lock, self.tokens, strict_args, lambda: self.root_url
        )
        self._address = (host, port)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        pairs = channels.items() if isinstance(channels, Mapping) else ((c, None) for c in channels)
        for name, channel_id in pairs:
            self.add_channel(name, channel_id)
        for user in users:
            self.add_user(**user)

    # lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        server = ThreadingHTTPServer(self._address, RequestHandler)
        server.daemon_threads = True
        server.endpoint = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fakeslack",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the fake Slack server is not running")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        return f"http://{self._address[0]}:{self.port}/"

    @property
    def base_url(self) -> str:
        """What to give `slack_sdk.WebClient(base_url=...)`."""
        return f"{self.root_url}api/"

    @property
    def token(self) -> str:
        return self.tokens[0]

    def web_client(self, **kwargs: Any) -> WebClient:
        """A real slack_sdk client pointed at this fake (pass `retry_handlers=[...]` to retry)."""
        kwargs.setdefault("timeout", 5)
        return WebClient(token=self.token, base_url=self.base_url, **kwargs)

    # directory -------------------------------------------------------------------------------

    def add_channel(
        self,
        name: str,
        channel_id: str | None = None,
        *,
        is_member: bool = True,
        is_archived: bool = False,
    ) -> str:
        with self.lock:
            return self.workspace.add_channel(
                name, channel_id, is_member=is_member, is_archived=is_archived
            )

    def add_user(
        self, id: str, name: str, email: str | None = None, **profile: Any
    ) -> dict[str, Any]:
        with self.lock:
            return self.workspace.add_user(id, name, email=email, **profile)

    def add_usergroup(self, group_id: str, members: Iterable[str]) -> None:
        with self.lock:
            self.workspace.usergroups[group_id] = list(members)

    def set_scopes(self, scopes: Iterable[str]) -> None:
        """The bot token's scopes, as auth.test reports them in X-OAuth-Scopes."""
        with self.lock:
            self.workspace.scopes = list(scopes)

    def channel_id(self, ref: str) -> str:
        with self.lock:
            channel = self.workspace.resolve_channel(ref)
        if channel is None:
            raise KeyError(f"no channel {ref!r} in the fake workspace")
        return channel.id

    @staticmethod
    def trigger_id() -> str:
        """A trigger id in Slack's format; each may open one view."""
        return f"{int(time.time())}.{time.perf_counter_ns()}.{time.time_ns():x}"

    # fault injection -------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """The next `times` calls of `method` ("*" for any) fail with `status`.

        429 carries `Retry-After: retry_after`; a 200 with `error` is a Slack-level failure.
        """
        self._faults.add(
            method,
            Fault(
                status=status,
                times=times,
                retry_after=retry_after if status == 429 else None,
                error=error or default_error(status),
            ),
        )

    def delay_next(
        self, method: str, seconds: float, *, times: int = 1, drop: bool = False
    ) -> None:
        """Hold the next `times` calls for `seconds` before handling them.

        The call still takes effect afterwards (the message is posted although the client may
        have timed out, as with the real Slack); with `drop` the connection is closed instead.
        """
        self._faults.add(method, Fault(delay=seconds, drop=drop, times=times))

    def rate_limit(
        self, method: str = "chat.postMessage", per_second: float | None = 1.0, burst: int = 1
    ) -> None:
        """Limit `method` per channel (Slack: about one message per second); None lifts it."""
        self._faults.limit(method, None if per_second is None else RateLimit(per_second, burst))

    # recording -------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self.lock:
            return list(self._api.calls)

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    @property
    def problems(self) -> list[Problem]:
        with self.lock:
            return list(self._api.problems)

    def assert_no_problems(self) -> None:
        problems = self.problems
        if problems:
            lines = [f"{p.method}: {p.error} {' '.join(p.messages)}" for p in problems]
            raise AssertionError("the fake Slack saw problems:\n" + "\n".join(lines))

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Everything posted to `channel` (id or name), thread replies included, oldest first."""
        with self.lock:
            found = self.workspace.resolve_channel(channel)
            if found is None:
                return []
            return [
                json.loads(json.dumps(public(m))) for m in self.workspace.messages.get(found.id, [])
            ]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages(channel) if m["ts"] == ts), None)

    @property
    def ephemerals(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(e) for e in self.workspace.ephemerals]

    @property
    def views(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            return dict(self.workspace.views)

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self.lock:
            return self.workspace.home_views.get(user_id)

    def uploaded(self, file_id: str) -> bytes | None:
        with self.lock:
            upload = self.workspace.files.get(file_id)
            return upload.content if upload else None

    def response_url(self, hook: str = "1") -> str:
        """A response_url to put into an interaction payload; posts to it are recorded."""
        return f"{self.root_url}hooks/{hook}"

    @property
    def responses(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(r) for r in self.workspace.responses]

    def _hook(self, hook: str, body: bytes) -> Response:
        try:
            message = json.loads(body or b"{}")
        except ValueError:
            return 400, {"Content-Type": "text/plain"}, b"invalid_payload"
        if not isinstance(message, dict) or not (message.get("text") or message.get("blocks")):
            return 400, {"Content-Type": "text/plain"}, b"no_text"
        with self.lock:
            self.workspace.responses.append({"hook": hook, **message})
        return 200, {"Content-Type": "text/plain"}, b"ok"

    def reset(self) -> None:
        """Forget calls, problems, faults, limits and content; keep channels, users and tokens."""
        with self.lock:
            self._api.calls.clear()
            self._api.problems.clear()
            self._faults.clear()
            ws = self.workspace
            for channel_id in ws.messages:
                ws.messages[channel_id] = []
            ws.ephemerals.clear()
            ws.responses.clear()
            ws.views.clear()
            ws.home_views.clear()
            ws.files.clear()
            ws.used_trigger_ids.clear()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "calls": [asdict(c) for c in self._api.calls],
                "problems": [asdict(p) for p in self._api.problems],
            }

    def handle(
        self, verb: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        if path.startswith("/api/"):
            return self._api.call(path[len("/api/") :], query, headers, body)
        if path.startswith("/upload/v1/") and verb == "POST":
            return self._api.upload(path.rsplit("/", 1)[1], body)
        if path.startswith("/hooks/") and verb == "POST":
            return self._hook(path[len("/hooks/") :], body)
        if path.startswith("/_fake/"):
            return control.handle(self, verb, path[len("/_fake/") :], query, body)
        return json_response(404, {"ok": False, "error": "not_found"})
