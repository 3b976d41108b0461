"""`/_fake/*`: the test controls over HTTP, for a fake started as its own process.

An end-to-end test that runs the bot and the fake as separate processes cannot call
`FakeSlack.fail_next` directly; `RemoteFakeSlack` (in `remote.py`) calls these endpoints.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from bot.sandbox.slackapi.server import FakeSlack
    from bot.sandbox.slackapi.wire import Response


def handle(fake: FakeSlack, verb: str, action: str, query: str, body: bytes) -> Response:
    from bot.sandbox.slackapi.wire import json_response

    params: dict[str, Any] = dict(parse_qsl(query))
    if body:
        try:
            params.update(json.loads(body))
        except ValueError:
            return json_response(400, {"ok": False, "error": "invalid_json"})
    try:
        result = _ACTIONS[action](fake, params)
    except KeyError as err:
        return json_response(
            404 if action not in _ACTIONS else 400,
            {"ok": False, "error": f"bad control request: {err}"},
        )
    except TypeError as err:
        return json_response(400, {"ok": False, "error": str(err)})
    return json_response(200, {"ok": True, **result})


def _state(fake: FakeSlack, p: dict[str, Any]) -> dict[str, Any]:
    return fake.snapshot()


def _messages(fake: FakeSlack, p: dict[str, Any]) -> dict[str, Any]:
    return {"messages": fake.messages(p["channel"])}


def _reset(fake: FakeSlack, p: dict[str, Any]) -> dict[str, Any]:
    fake.reset()
    return {}


def _fail_next(fake: FakeSlack, p: dict[str, Any]) -> dict[str, Any]:
    fake.fail_next(p.pop("method"), int(p.pop("status", 429)), **p)
    return {}


def _delay_next(fake: FakeSlack, p: dict[str, Any]) -> dict[str, Any]:
    fake.delay_next(p.pop("method"), float(p.pop("seconds")), **p)
    return {}


def _rate_limit(fake: FakeSlack, p: dict[str, Any]) -> dict[str, Any]:
    fake.rate_limit(**p)
    return {}


def _channel(fake: FakeSlack, p: dict[str, Any]) -> dict[str, Any]:
    return {"id": fake.add_channel(p.pop("name"), p.pop("id", None), **p)}


def _user(fake: FakeSlack, p: dict[str, Any]) -> dict[str, Any]:
    return {"user": fake.add_user(**p)}


_ACTIONS = {
    "state": _state,
    "messages": _messages,
    "reset": _reset,
    "fail_next": _fail_next,
    "delay_next": _delay_next,
    "rate_limit": _rate_limit,
    "channels": _channel,
    "users": _user,
}
