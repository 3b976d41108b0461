"""413 for request bodies above 500 KB, as Segment does, checked before anything is parsed.

The Content-Length header is checked first; the body is then read up to the limit, so a client
that sends more than it announced (or streams without a length) is stopped as well.

Bodies are JSON whatever the Content-Type says: browser snippets send text/plain (a "simple"
request needs no CORS preflight), and some tools send no type at all. The body is parsed and
written anew by orjson before the app sees it: what it refuses (NaN, nesting beyond reason) is
a 400 here, and integers beyond 64 bits become floats instead of failing when stored.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 500 * 1024
MAX_DEPTH = 32


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int = MAX_BODY, prefix: str = "/api/") -> None:
        self.app, self.limit, self.prefix = app, limit, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _reply(send, 400, "Content-Length", "is not a number of bytes")
                return
            if int(declared) > self.limit:
                await self._too_large(send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        try:
            body = canonical(b"".join(chunks))
        except ValueError as exc:
            await _reply(send, 400, "body", str(exc))
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(_with_length(_as_json(scope), len(body)), replay, send)

    async def _too_large(self, send: Send) -> None:
        await _reply(send, 413, "body", f"is larger than {self.limit // 1024} KB; send fewer "
                     "calls per batch")


def canonical(raw: bytes) -> bytes:
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON ({exc})") from None
    if _depth(parsed) > MAX_DEPTH:
        raise ValueError(f"nests objects and lists deeper than {MAX_DEPTH} levels")
    return orjson.dumps(parsed)


def _depth(value: Any) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _as_json(scope: Scope) -> Scope:
    headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
    kind = dict(scope["headers"]).get(b"content-type", b"")
    if kind.split(b";")[0].strip().lower() in (b"", b"text/plain"):
        kind = b"application/json"
    return {**scope, "headers": [*headers, (b"content-type", kind)]}


def _with_length(scope: Scope, size: int) -> Scope:
    headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
    return {**scope, "headers": [*headers, (b"content-length", str(size).encode())]}


async def _reply(send: Send, status: int, field: str, message: str) -> None:
    err: dict[str, Any] = {"field": field, "message": message}
    payload = orjson.dumps({"error": err, "errors": [err]})
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
