"""413 for request bodies above the limits, checked before anything is parsed: a batch up to
4 MB (`[ingest] max_batch_mb`; rudder-sdk-python builds batches that large), one call up to
32 KB, as Segment's spec says.

The Content-Length header is checked first; the body is then read up to the limit, so a client
that sends more than it announced (or streams without a length) is stopped as well. A gzipped
body (the SDKs send them) is unpacked up to the same limit: the limits hold after decompression.

Bodies are JSON whatever the Content-Type says: browser snippets send text/plain (a "simple"
request needs no CORS preflight), some tools send no type at all, and `curl -d` says form data.
The body is parsed and written anew by orjson before the app sees it: what it refuses (NaN,
nesting beyond reason) is a 400 here, and integers beyond 64 bits become floats instead of
failing when stored. A NUL character, which no database text column can hold, is refused here
too, with the place it was found.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.http.api import errors

MAX_BATCH = 4 * 1024 * 1024
MAX_CALL = 32 * 1024
MAX_DEPTH = 32
BATCH_PATHS = ("/batch", "/b")


def size_text(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size % (1024 * 1024) == 0 else f"{size // 1024} KB"


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        batch_limit: int = MAX_BATCH,
        call_limit: int = MAX_CALL,
        prefixes: tuple[str, ...] = ("/api/", "/v1/"),
    ) -> None:
        self.app, self.prefixes = app, prefixes
        self.batch_limit, self.call_limit = batch_limit, call_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        batch = scope["path"].rstrip("/").endswith(BATCH_PATHS)
        limit = Limit(self.batch_limit if batch else self.call_limit, batch)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _reply(send, 400, "Content-Length", "is not a number of bytes")
                return
            if int(declared) > limit.size:
                await limit.too_large(send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit.size:
                await limit.too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        encoding = dict(scope["headers"]).get(b"content-encoding", b"identity").strip().lower()
        if encoding not in (b"identity", b"gzip"):
            await _reply(
                send,
                415,
                "Content-Encoding",
                f"{encoding.decode('latin-1')!r} is not "
                "supported; send the body as it is, or gzipped",
            )
            return
        try:
            if encoding == b"gzip":
                body = limit.gunzip(body)
            body = canonical(body)
        except TooLarge:
            await limit.too_large(send)
            return
        except BadBody as exc:
            await _reply(send, 400, exc.field, exc.message)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(_with_length(_as_json(scope), len(body)), replay, send)


class Limit:
    """The size a request's body may have, and the 413 that names it."""

    def __init__(self, size: int, batch: bool) -> None:
        self.size, self.batch = size, batch

    def gunzip(self, body: bytes) -> bytes:
        unpack = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip's header and trailer
        try:
            plain = unpack.decompress(body, self.size + 1)  # a small bomb stops at the limit
        except zlib.error as exc:
            raise BadBody(
                "body", f"is not valid gzip ({exc}); send it as it is or gzip it whole"
            ) from None
        if len(plain) > self.size:
            raise TooLarge()
        if not unpack.eof:
            raise BadBody("body", "is a truncated gzip stream; send it whole")
        return plain

    async def too_large(self, send: Send) -> None:
        what = (
            "the limit of a batch (after decompression; [ingest] max_batch_mb sets it); "
            "send fewer calls per batch"
            if self.batch
            else "the limit of one call; send fewer or shorter properties and traits"
        )
        await _reply(send, 413, "body", f"is larger than {size_text(self.size)}, {what}")


class TooLarge(Exception):
    pass


class BadBody(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def canonical(raw: bytes) -> bytes:
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadBody("body", f"is not valid JSON ({exc})") from None
    if _depth(parsed) > MAX_DEPTH:
        raise BadBody("body", f"nests objects and lists deeper than {MAX_DEPTH} levels")
    body = orjson.dumps(parsed)
    # orjson writes a NUL only as this escape (a literal backslash-u text may match too): the
    # walk, on those bodies alone, finds the place
    where = _nul_at(parsed) if b"\\u0000" in body else None
    if where is not None:
        raise BadBody(
            where or "body", "contains a NUL character (\\u0000), which cannot be stored; remove it"
        )
    return body


def _nul_at(value: Any, path: str = "") -> str | None:
    """The path (`batch[2].traits.title`) of the first string or key holding a NUL."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in items:
        step = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key
        if isinstance(key, str) and "\x00" in key:
            return step
        found = _nul_at(child, step)
        if found is not None:
            return found
    return None


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
    """The body was parsed as JSON above, whatever its type said; the app is told so, and that
    it is no longer compressed."""
    headers = [
        (k, v) for k, v in scope["headers"] if k not in (b"content-type", b"content-encoding")
    ]
    return {**scope, "headers": [*headers, (b"content-type", b"application/json")]}


def _with_length(scope: Scope, size: int) -> Scope:
    headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
    return {**scope, "headers": [*headers, (b"content-length", str(size).encode())]}


async def _reply(send: Send, status: int, field: str, message: str) -> None:
    payload = orjson.dumps(errors.body([(field, message)], status))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
