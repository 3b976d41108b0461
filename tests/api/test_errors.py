"""Every way a request can be wrong gets a JSON error that names the field, and stores nothing."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.http.api.app import create_api_app
from bot.ingest.event_map import EventMap
from bot.usecases.admin import api_keys as apikeys
from bot.usecases.ingest import request as router  # the retries live in the use case
from storage.db import make_engine, session_scope
from tests.api.conftest import make_key
from tests.api.helpers import count
from tests.conftest import NOW


def error(answer: Any, status: int = 400) -> tuple[str, str]:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["errors"][0] == body["error"]
    return body["error"]["field"], body["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"userId": "u", "timestamp": "yesterday"}, "timestamp", "ISO 8601"),
        (
            {"userId": "u", "timestamp": (NOW + timedelta(days=3)).isoformat()},
            "timestamp",
            "in the future",
        ),
        ({"userId": "u", "traits": {"title": "a\x00b"}}, "traits.title", "NUL character"),
        (
            {
                "batch": [
                    {"type": "identify", "userId": "u"},
                    {"type": "identify", "userId": "v", "traits": {"x": ["\x00"]}},
                ]
            },
            "batch[1].traits.x[0]",
            "NUL character",
        ),
    ],
)
def test_identify_field_errors(
    client: TestClient, engine: Engine, body: dict[str, Any], field: str, words: str
) -> None:
    path = "/api/v1/batch" if "batch" in body else "/api/v1/identify"
    got_field, message = error(client.post(path, json=body))
    assert got_field == field and words in message, message
    assert count(engine, "lead") == 0


def test_a_literal_backslash_u_text_is_no_nul(client: TestClient, engine: Engine) -> None:
    answer = client.post(
        "/api/v1/track",
        json={"userId": "u", "event": "x", "properties": {"note": "\\u0000 is fine"}},
    )
    assert answer.status_code == 200, answer.text
    assert count(engine, "event") == 1


def test_gzip_bodies_are_unpacked_and_other_encodings_refused(
    client: TestClient, engine: Engine
) -> None:
    import gzip

    body = json.dumps({"batch": [{"type": "track", "userId": "u", "event": "x"}]}).encode()
    headers = {"content-type": "application/json", "content-encoding": "gzip"}
    answer = client.post("/api/v1/batch", content=gzip.compress(body), headers=headers)
    assert answer.status_code == 200, answer.text
    assert count(engine, "event") == 1
    field, message = error(client.post("/api/v1/batch", content=b"not gzip", headers=headers))
    assert field == "body" and "not valid gzip" in message
    field, message = error(
        client.post("/api/v1/batch", content=gzip.compress(body)[:-9], headers=headers)
    )
    assert field == "body" and "truncated" in message
    bomb = gzip.compress(b'{"batch": [' + b" " * (5 * 1024 * 1024) + b"]}")  # above 4 MB
    assert len(bomb) < 10_000
    assert error(client.post("/api/v1/batch", content=bomb, headers=headers), 413)[0] == "body"
    field, message = error(
        client.post(
            "/api/v1/batch",
            content=body,
            headers={"content-type": "application/json", "content-encoding": "br"},
        ),
        415,
    )
    assert field == "Content-Encoding" and "gzipped" in message
    assert count(engine, "event") == 1


def test_curl_form_content_type_is_read_as_json(client: TestClient, engine: Engine) -> None:
    answer = client.post(
        "/api/v1/track",
        content=b'{"userId": "x1", "event": "A"}',
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200, answer.text
    assert count(engine, "event") == 1


def test_malformed_json(client: TestClient) -> None:
    field, message = error(
        client.post(
            "/api/v1/track", content=b'{"event": ', headers={"content-type": "application/json"}
        )
    )
    assert field == "body" and "not valid JSON" in message


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"userId": "u", "event": 5}, "event", "valid string"),
        ({"userId": True, "event": "x"}, "userId", "must be a string"),
        ({"userId": "u", "event": "x", "properties": [1]}, "properties", "JSON object"),
        ({"userId": "u", "event": ""}, "event", "at least 1"),
        ({"userId": "u"}, "event", "is required"),
        ({"userId": "u", "event": "x", "timestamp": 1700000000}, "timestamp", "valid string"),
        ({"userId": "u", "event": "x", "timestamp": "yesterday"}, "timestamp", "ISO 8601"),
        (
            {"userId": "u", "event": "x", "timestamp": (NOW + timedelta(days=3)).isoformat()},
            "timestamp",
            "in the future",
        ),
        ({"event": "x"}, "userId", "names nobody"),
        ({"userId": "u", "event": "x", "type": "identify"}, "type", "'track'"),
        (
            {"userId": "u", "event": "x", "context": {"traits": {"email": "not-an-email"}}},
            "context.traits.email",
            "not an e-mail",
        ),
        ({"userId": "u" * 300, "event": "x"}, "userId", "longer than"),
        ({"userId": "u", "event": "   "}, "event", "blank"),
        ({"userId": "u", "event": "x" * 150}, "event", "at most 100 characters"),
        (
            {"userId": "u", "event": "x", "timestamp": "0001-01-01T00:00:00+14:00"},
            "timestamp",
            "outside the years 1 to 9999",
        ),
        (
            {
                "userId": "u",
                "event": "x",
                "originalTimestamp": "0001-01-01T00:00:00Z",
                "sentAt": "9999-12-31T00:00:00Z",
            },
            "sentAt",
            "too far from now",
        ),
        (
            {"userId": "u", "event": "x", "timestamp": NOW.isoformat(), "sentAt": "soon"},
            "sentAt",
            "ISO 8601",
        ),
        (
            {"userId": "u", "event": "x", "timestamp": NOW.isoformat(), "originalTimestamp": "?"},
            "originalTimestamp",
            "ISO 8601",
        ),
        ({"userId": "u\x00v", "event": "x"}, "userId", "NUL character"),
        (
            {"userId": "u", "event": "x", "properties": {"a": [1, {"b": "c\x00"}]}},
            "properties.a[1].b",
            "NUL character",
        ),
        ({"userId": "u", "event": "x", "properties": {"k\x00": 1}}, "properties.k\x00", "NUL"),
    ],
)
def test_track_field_errors(
    client: TestClient, engine: Engine, body: dict[str, Any], field: str, words: str
) -> None:
    got_field, message = error(client.post("/api/v1/track", json=body))
    assert got_field == field and words in message, message
    assert count(engine, "event") == 0


@pytest.mark.parametrize(
    ("traits", "field", "words"),
    [
        ({"email": "nope"}, "traits.email", "not an e-mail"),
        ({"email": 7}, "traits.email", "e-mail address"),
        ({"company_size": "51-200"}, "traits.company_size", "range"),
        (
            {"company": {"name": "X", "employee_count": -5}},
            "traits.company.employee_count",
            "whole number",
        ),
        ({"title": ["CEO"]}, "traits.title", "expected text"),
    ],
)
def test_identify_trait_errors(
    client: TestClient, engine: Engine, traits: dict[str, Any], field: str, words: str
) -> None:
    got_field, message = error(
        client.post("/api/v1/identify", json={"userId": "u", "traits": traits})
    )
    assert got_field == field and words in message, message
    assert count(engine, "lead") == 0


def test_traits_must_be_an_object(client: TestClient) -> None:
    assert (
        error(client.post("/api/v1/identify", json={"userId": "u", "traits": "x"}))[0] == "traits"
    )
    assert error(client.post("/api/v1/identify", json=[1]))[0] == "body"


def test_a_batch_with_one_bad_call_stores_nothing_and_names_every_bad_call(
    atomic_client: TestClient, engine: Engine
) -> None:
    answer = atomic_client.post(
        "/api/v1/batch",
        json={
            "batch": [
                {"type": "identify", "userId": "ok", "traits": {"email": "ok@x.example"}},
                {"type": "track", "userId": "ok", "event": "Webinar Attended"},
                {"type": "track", "userId": "ok", "event": "x", "timestamp": "soon"},
                {"type": "track", "event": "x"},
            ]
        },
    )
    assert error(answer)[0] == "batch[2].timestamp"
    assert [e["field"] for e in answer.json()["errors"]] == [
        "batch[2].timestamp",
        "batch[3].userId",
    ]
    assert count(engine, "lead") == 0 and count(engine, "event") == 0


def test_type_errors_do_not_hide_the_other_items_mistakes(
    atomic_client: TestClient, engine: Engine
) -> None:
    answer = atomic_client.post(
        "/api/v1/batch",
        json={
            "sentAt": NOW.isoformat(),
            "batch": [
                {"type": "track", "event": "no one"},
                {"type": "track", "userId": "b-1", "event": 5},
                {"type": "identify", "userId": "ok", "traits": {"email": "ok@x.example"}},
                {
                    "type": "track",
                    "userId": "b-1",
                    "event": "x",
                    "timestamp": (NOW + timedelta(days=3)).isoformat(),
                },
                {"type": "group", "groupId": "g"},
                {"type": "identify", "userId": "c", "traits": {"email": "not-mail"}},
            ],
        },
    )
    assert [e["field"] for e in answer.json()["errors"]] == [
        "batch[0].userId",
        "batch[1].event",
        "batch[3].timestamp",
        "batch[5].traits.email",
    ]
    assert error(answer)[0] == "batch[0].userId"
    assert count(engine, "lead") == 0 and count(engine, "event") == 0


def test_a_batch_refused_by_the_database_stores_nothing(
    atomic_client: TestClient, engine: Engine
) -> None:
    atomic_client.post("/api/v1/identify", json={"userId": "a", "traits": {"email": "a@x.example"}})
    atomic_client.post("/api/v1/identify", json={"userId": "b", "traits": {"email": "b@x.example"}})
    answer = atomic_client.post(
        "/api/v1/batch",
        json={
            "batch": [
                {"type": "track", "userId": "a", "event": "Webinar Attended"},
                {"type": "identify", "userId": "b", "traits": {"email": "a@x.example"}},
            ]
        },
    )
    field, message = error(answer, 409)
    assert field == "batch[1].traits.email" and "belongs to lead" in message
    assert count(engine, "event") == 0


def test_batch_shape_errors(atomic_client: TestClient) -> None:
    assert error(atomic_client.post("/api/v1/batch", json={"batch": []}))[0] == "batch"
    assert error(atomic_client.post("/api/v1/batch", json={}))[0] == "batch"
    field, message = error(atomic_client.post("/api/v1/batch", json={"batch": [{"type": "nope"}]}))
    assert field == "batch[0].type" and "'nope'" in message
    field, message = error(atomic_client.post("/api/v1/batch", json={"batch": [{"userId": "u"}]}))
    assert field == "batch[0].type" and "is missing" in message


def test_unknown_events_are_rejected_when_the_config_says_so(engine: Engine, key: str) -> None:
    events = EventMap.from_config({"Trial Started": "demo_request"}, "reject")
    app = create_api_app(engine=engine, clock=lambda: NOW, events=events)
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as c:
        field, message = error(c.post("/api/v1/track", json={"userId": "u", "event": "Foo"}))
        assert field == "event" and "unknown event 'Foo'" in message
        for i, name in enumerate(("Trial Started", "webinar_attended", "Webinar Attended")):
            assert (
                c.post(
                    "/api/v1/track", json={"userId": "u", "event": name, "messageId": f"m{i}"}
                ).status_code
                == 200
            )
    assert count(engine, "event") == 3


@pytest.fixture
def anonymous_client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_api_app(engine=engine, clock=lambda: NOW, events=EventMap())) as c:
        yield c


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (None, "is missing"),
        ("Token abc", "scheme 'Token'"),
        ("Bearer ", "holds no key"),
        ("Bearer sdr_unknown", "unknown or was revoked"),
        ("Basic !!!", "not valid base64"),
        ("Basic " + base64.b64encode(b":pw").decode(), "holds no key"),
    ],
)
def test_invalid_keys_get_401(
    anonymous_client: TestClient, engine: Engine, header: str | None, words: str
) -> None:
    headers = {"Authorization": header} if header is not None else {}
    answer = anonymous_client.post(
        "/api/v1/track", json={"userId": "u", "event": "x"}, headers=headers
    )
    field, message = error(answer, 401)
    assert field == "Authorization" and words in message
    assert "WWW-Authenticate" in answer.headers and count(engine, "event") == 0


def test_a_revoked_key_gets_401(anonymous_client: TestClient, engine: Engine) -> None:
    secret = make_key(engine, "old")
    with session_scope(engine) as s:
        apikeys.revoke(s, "old", now=NOW)
    answer = anonymous_client.post(
        "/api/v1/track",
        json={"userId": "u", "event": "x"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert error(answer, 401)[1] == "the API key is unknown or was revoked"
    assert secret not in answer.text


def test_calls_above_32_kb_get_413(client: TestClient, engine: Engine) -> None:
    big = {"userId": "u", "event": "x", "properties": {"blob": "x" * (501 * 1024)}}
    field, message = error(client.post("/api/v1/track", json=big), 413)
    assert field == "body" and "32 KB" in message and "one call" in message

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body is counted as it arrives
        yield b'{"userId": "u", "event": "x", "properties": {"blob": "'
        for _ in range(60):
            yield b"x" * 10_000
        yield b'"}}'

    assert (
        error(
            client.post(
                "/api/v1/track", content=chunks(), headers={"content-type": "application/json"}
            ),
            413,
        )[0]
        == "body"
    )
    assert count(engine, "event") == 0


def test_outcome_errors(client: TestClient) -> None:
    client.post("/api/v1/identify", json={"userId": "w", "traits": {"email": "w@x.example"}})
    field, message = error(client.post("/api/v1/outcomes", json={"stage": "won"}))
    assert field == "email" and "names no lead" in message
    field, message = error(
        client.post("/api/v1/outcomes", json={"email": "w@x.example", "stage": "closed"})
    )
    assert field == "stage"
    field, message = error(
        client.post(
            "/api/v1/outcomes", json={"email": "w@x.example", "stage": "won", "amount": "lots"}
        )
    )
    assert field == "amount"
    field, message = error(
        client.post("/api/v1/outcomes", json={"email": "nobody@x.example", "stage": "won"}), 404
    )
    assert field == "email" and "no lead has the e-mail 'nobody@x.example'" in message
    assert client.post("/api/v1/outcomes", json={"userId": "w", "stage": "won"}).status_code == 200
    field, message = error(
        client.post("/api/v1/outcomes", json={"userId": "w", "stage": "lost"}), 409
    )
    assert field == "stage" and "'won' cannot move to 'lost'" in message


def test_device_time_errors(atomic_client: TestClient, engine: Engine) -> None:
    far = (NOW + timedelta(days=5)).isoformat()
    field, message = error(
        atomic_client.post(
            "/api/v1/track", json={"userId": "u", "event": "x", "originalTimestamp": far}
        )
    )
    assert field == "originalTimestamp" and "device's clock" in message
    field, _ = error(
        atomic_client.post(
            "/api/v1/batch",
            json={
                "sentAt": "later",
                "batch": [
                    {
                        "type": "track",
                        "userId": "u",
                        "event": "x",
                        "originalTimestamp": NOW.isoformat(),
                    }
                ],
            },
        )
    )
    assert field == "batch[0].sentAt"
    assert count(engine, "event") == 0


def test_a_browser_snippet_sends_the_key_in_the_body(
    anonymous_client: TestClient, engine: Engine, key: str
) -> None:
    preflight = anonymous_client.options(
        "/api/v1/batch",
        headers={
            "Origin": "https://www.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    body = {"writeKey": key, "batch": [{"type": "track", "anonymousId": "c", "event": "x"}]}
    answer = anonymous_client.post(
        "/api/v1/batch",
        content=json.dumps(body),
        headers={"content-type": "text/plain", "Origin": "https://www.example.com"},
    )
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "*"
    assert count(engine, "event") == 1
    field, message = error(
        anonymous_client.post(
            "/api/v1/track", json={"writeKey": "sdr_wrong", "userId": "u", "event": "x"}
        ),
        401,
    )
    assert field == "Authorization" and "unknown or was revoked" in message


def test_analytics_js_sends_to_its_short_paths_unchanged(
    anonymous_client: TestClient, engine: Engine, key: str
) -> None:
    """With apiHost "<host>/api/v1" Segment's browser library posts to /t, /i, /p, /b, …"""

    def send(path: str, call: dict[str, object]) -> int:
        return anonymous_client.post(
            f"/api/v1/{path}",
            content=json.dumps(
                {**call, "writeKey": key, "anonymousId": "cookie-1", "messageId": f"ajs-{path}"}
            ),
            headers={"content-type": "text/plain"},
        ).status_code

    assert send("p", {"type": "page", "properties": {"url": "https://x.example/product"}}) == 200
    assert send("t", {"type": "track", "event": "Webinar Attended"}) == 200
    assert (
        send(
            "b", {"batch": [{"type": "track", "event": "Email Opened", "anonymousId": "cookie-1"}]}
        )
        == 200
    )
    assert (
        send("i", {"type": "identify", "userId": "u7", "traits": {"email": "u7@x.example"}}) == 200
    )
    for path in ("a", "g", "s"):  # alias, group, screen: acknowledged, nothing stored
        assert send(path, {"type": "group", "groupId": "g1"}) == 200
    assert count(engine, "event") == 3
    assert count(engine, "lead") == 1  # the identify made the visitor the person
    assert anonymous_client.post("/api/v1/g", json={"groupId": "g1"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "not valid JSON"),
        (b'{"userId": "u", "event": "x", "properties": {"a": NaN}}', "not valid JSON"),
        (
            b'{"userId": "u", "event": "x", "properties": ' + b"[" * 40 + b"]" * 40 + b"}",
            "deeper than 32 levels",
        ),
        (b"[" * 5000 + b"]" * 5000, "not valid JSON"),
    ],
)
def test_json_that_cannot_be_stored(
    client: TestClient, engine: Engine, body: bytes, words: str
) -> None:
    field, message = error(client.post("/api/v1/track", content=body))
    assert field == "body" and words in message
    assert count(engine, "event") == 0


def test_integers_beyond_64_bits_are_kept_as_numbers(client: TestClient, engine: Engine) -> None:
    body = b'{"userId": "u", "event": "x", "properties": {"big": 123456789012345678901234567890}}'
    assert client.post("/api/v1/track", content=body).status_code == 200
    assert count(engine, "event") == 1


def test_a_database_that_cannot_answer_gets_503(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no tables: every query fails
    app = create_api_app(engine=engine, clock=lambda: NOW, events=EventMap())
    with TestClient(app, headers={"Authorization": "Bearer sdr_x"}) as c:
        answer = c.post("/api/v1/track", json={"userId": "u", "event": "x"})
    assert error(answer, 503)[0] == "body"
    engine.dispose()


def test_a_write_that_keeps_failing_gets_503(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def busy(*_args: object, **_kw: object) -> None:
        calls.append(1)
        raise OperationalError("insert", {}, Exception("database is locked"))

    monkeypatch.setattr(router, "commit", busy)
    field, message = error(client.post("/api/v1/track", json={"userId": "u", "event": "x"}), 503)
    assert field == "body" and "again" in message and len(calls) == router.ATTEMPTS
    assert count(engine, "event") == 0
