"""The HTTP side: reading Slack-style requests off the socket and writing the answers."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from bot.sandbox.slackapi.api import SlackError, json_arg

Response = tuple[int, dict[str, str], bytes]
STRUCTURED_ARGS = ("blocks", "attachments", "metadata", "view", "files")


class Dropped(Exception):
    """The connection is to be closed without an answer."""


class Endpoint(Protocol):
    def handle(
        self, verb: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> Response: ...


def json_response(
    status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> Response:
    data = json.dumps(body).encode()
    return status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, data


def bearer(headers: Mapping[str, str]) -> str | None:
    value = headers.get("Authorization") or ""
    if not value.lower().startswith("bearer "):
        return None
    return value[len("bearer ") :].strip() or None


def parse_args(
    query: str, headers: Mapping[str, str], body: bytes
) -> tuple[dict[str, Any], str, str | None]:
    """Arguments from the query string and the body, the transport, and a token field.

    A JSON body's `token` is ignored: Slack takes the token from the header only then.
    """
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    transport = "form"
    if content_type == "application/json":
        transport = "json"
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            raise SlackError("invalid_json") from None
        if not isinstance(data, dict):
            raise SlackError("invalid_json")
        data.pop("token", None)
        args.update(data)
    elif content_type.startswith("multipart/"):
        raise SlackError("invalid_form_data")
    elif body:
        args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    token = args.pop("token", None)
    return args, transport, token


def decoded(args: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments as a test wants to read them: JSON-string blocks, views... parsed."""
    result = dict(args)
    for name in STRUCTURED_ARGS:
        if isinstance(result.get(name), str):
            with contextlib.suppress(SlackError):
                result[name] = json_arg(result, name, "invalid_arguments")
    return result


class RequestHandler(BaseHTTPRequestHandler):
    server_version = "FakeSlack/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        return None  # test output stays readable; the fake records calls instead

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        endpoint: Endpoint = self.server.endpoint  # type: ignore[attr-defined]
        try:
            status, headers, payload = endpoint.handle(
                self.command,
                url.path,
                url.query,
                self.headers,  # type: ignore[arg-type]
                body,
            )
        except Dropped:
            self.close_connection = True
            return
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (an injected delay); Slack would not notice either
