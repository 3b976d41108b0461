"""Who is calling: an API key as `Authorization: Bearer <key>`, as the user name of HTTP Basic
auth (how Segment's and RudderStack's servers send a write key), or, without an Authorization
header, as `writeKey` in the body (how Segment's browser library sends it)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from datetime import datetime

import orjson
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.http.api.errors import ApiError
from bot.usecases.admin import api_keys

CHALLENGE = {"WWW-Authenticate": 'Basic realm="sdrbot", charset="UTF-8"'}
HOW = (
    "send the API key as 'Authorization: Bearer <key>', as the user name of HTTP Basic "
    "auth, or as writeKey in the body (create one with `sdrbot apikey create NAME`)"
)


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "Authorization", message, headers=CHALLENGE)


def key_from(header: str | None) -> str:
    """The key in an Authorization header; raises ApiError (401) saying what is wrong."""
    if not header or not header.strip():
        raise _unauthorized(f"is missing; {HOW}")
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        key = value
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise _unauthorized("Basic credentials are not valid base64 of 'key:'") from None
        key = decoded.partition(":")[0]
    else:
        raise _unauthorized(f"uses the scheme {scheme[:20]!r}; {HOW}")
    if not key:
        raise _unauthorized(f"holds no key; {HOW}")
    return key


# declared for the OpenAPI docs (and tools that read them); the header is parsed below, where
# Basic auth is understood too and every failure gets its own message
_DOCUMENTED = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `sdrbot apikey create NAME`; HTTP Basic "
    "auth with the key as user name and no password works as well.",
)


async def _write_key(request: Request) -> str | None:
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return None  # the body's own error is reported when it is parsed
    key = body.get("writeKey") if isinstance(body, dict) else None
    return key.strip() if isinstance(key, str) and key.strip() else None


def authenticator(
    engine: Engine, clock: Callable[[], datetime], *, write_engine: Engine | None = None
) -> Callable[..., Awaitable[str]]:
    """The dependency that names the caller's key. The check reads on `engine`, which never
    waits for writers; noting the key's use (once a minute) writes on `write_engine`."""

    def verify(secret: str) -> str | None:
        try:
            return api_keys.check(engine, secret, now=clock(), write_engine=write_engine)
        except OperationalError:
            raise ApiError(
                503, "body", "the database is not available; send the request again"
            ) from None

    async def authenticate(
        request: Request, _documented: HTTPAuthorizationCredentials | None = Depends(_DOCUMENTED)
    ) -> str:
        header = request.headers.get("authorization")
        key = await _write_key(request) if header is None else None
        if key is None:
            key = key_from(header)
        name = await run_in_threadpool(verify, key)
        if name is None:
            # never echo the key: it may be a real secret sent to the wrong place
            raise _unauthorized("the API key is unknown or was revoked")
        return name

    return authenticate
