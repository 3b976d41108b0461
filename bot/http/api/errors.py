"""Errors of the ingest API as JSON that names the field:
{"code": ..., "message": ..., "error": {...}, "errors": [...]}.

`code` and `message` are what Segment's and RudderStack's libraries read from an error answer
(without them rudder-sdk-python fails with a KeyError and retries a 4xx as a network error);
`error` and `errors` name each field to fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

CODES = {
    400: "invalid_request",
    401: "unauthorized",
    404: "not_found",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_encoding",
    503: "unavailable",
}
_TAGS = {"identify", "track", "page", "screen", "group", "alias"}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        field: str,
        message: str,
        headers: dict[str, str] | None = None,
        more: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(f"{field}: {message}")
        self.status, self.field, self.message, self.headers = status, field, message, headers
        self.errors = [(field, message), *more]

    @classmethod
    def many(cls, status: int, errors: Sequence[ApiError]) -> ApiError:
        first, rest = errors[0], errors[1:]
        return cls(status, first.field, first.message, more=[e for r in rest for e in r.errors])


def body(errors: Sequence[tuple[str, str]], status: int) -> dict[str, Any]:
    items = [{"field": f, "message": m} for f, m in errors]
    first = items[0]
    rest = len(items) - 1
    more = f" (and {rest} more error{'s' if rest > 1 else ''})" if rest else ""
    return {
        "code": CODES.get(status, "invalid_request" if status < 500 else "unavailable"),
        "message": f"{first['field']}: {first['message']}{more}",
        "error": first,
        "errors": items,
    }


def api_error_response(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(body(exc.errors, exc.status), status_code=exc.status, headers=exc.headers)


def field_path(loc: Sequence[Any]) -> str:
    """("body", "batch", 2, "track", "event") -> "batch[2].event"."""
    parts = list(loc[1:] if loc and loc[0] == "body" else loc)
    out = ""
    for i, part in enumerate(parts):
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _TAGS and i > 0 and isinstance(parts[i - 1], int):
            continue  # the union member pydantic tried: the sender does not know it by that name
        else:
            out += f".{part}" if out else str(part)
    return out or "body"


def describe(err: dict[str, Any]) -> tuple[str, str]:
    kind = err.get("type", "")
    path = field_path(err.get("loc", ()))
    if kind == "json_invalid":
        ctx = err.get("ctx") or {}
        return "body", f"is not valid JSON ({ctx.get('error', 'parse error')})"
    if kind == "union_tag_not_found":
        return f"{path}.type", "is missing; each batch item needs a type: identify, track or page"
    if kind == "union_tag_invalid":
        return f"{path}.type", (
            "must be identify, track or page (screen, group and alias are "
            f"accepted and ignored), not {err.get('input', {}).get('type')!r}"
            if isinstance(err.get("input"), dict)
            else "must be identify, track or page"
        )
    if kind == "missing":
        return path, "is required"
    if kind == "model_attributes_type" or kind == "dict_type":
        return path, "must be a JSON object"
    return path, str(err.get("msg", "is not valid")).removeprefix("Value error, ")
