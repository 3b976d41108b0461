"""Who is calling: an API key as `Authorization: Bearer <key>` or as the user name of HTTP
Basic auth (how Segment and RudderStack send a write key)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import datetime

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from bot.http.api.errors import ApiError
from bot.usecases import apikeys
from storage.db import session_scope

CHALLENGE = {"WWW-Authenticate": 'Basic realm="sdrbot", charset="UTF-8"'}
HOW = ("send the API key as 'Authorization: Bearer <key>' or as the user name of HTTP Basic "
       "auth (create one with `sdrbot apikey create NAME`)")


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
_DOCUMENTED = HTTPBearer(auto_error=False, scheme_name="ApiKey",
                         description="An API key from `sdrbot apikey create NAME`; HTTP Basic "
                         "auth with the key as user name and no password works as well.")


def authenticator(engine: Engine, clock: Callable[[], datetime]) -> Callable[..., str]:
    def authenticate(request: Request, _documented: HTTPAuthorizationCredentials | None = Depends(
            _DOCUMENTED)) -> str:
        key = key_from(request.headers.get("authorization"))
        with session_scope(engine) as session:
            name = apikeys.verify(session, key, now=clock())
        if name is None:
            # never echo the key: it may be a real secret sent to the wrong place
            raise _unauthorized("the API key is unknown or was revoked")
        return name

    return authenticate
