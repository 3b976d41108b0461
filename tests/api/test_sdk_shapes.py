"""The shapes the analytics SDKs send: traits in `context.traits`, the Segment paths at the
root, error bodies an SDK can read."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.api.helpers import lead, rows


def _attrs(value: object) -> dict[str, object]:
    return json.loads(value) if isinstance(value, str) else dict(value)  # type: ignore[arg-type]


def test_identify_reads_context_traits_as_rudder_sends_them(
    client: TestClient, engine: Engine
) -> None:
    body = {
        "batch": [
            {
                "type": "identify",
                "userId": "ctx-1",
                "context": {"traits": {"email": "ctx1@hotel.example", "title": "CEO"}},
                "messageId": "ctx-1-m",
            }
        ]
    }
    assert client.post("/api/v1/batch", json=body).status_code == 200
    row = lead(engine, "ctx-1")
    assert (row.email, row.title) == ("ctx1@hotel.example", "CEO")


def test_top_level_traits_win_per_field(client: TestClient, engine: Engine) -> None:
    answer = client.post(
        "/api/v1/identify",
        json={
            "userId": "mix-1",
            "traits": {"title": "CTO", "plan": "pro"},
            "context": {"traits": {"title": "CEO", "email": "mix@hotel.example", "tier": "b"}},
        },
    )
    assert answer.status_code == 200, answer.text
    row = lead(engine, "mix-1")
    assert (row.email, row.title) == ("mix@hotel.example", "CTO")
    assert _attrs(row.attributes) == {"plan": "pro", "tier": "b"}


def test_a_bad_context_email_of_an_identify_is_named_where_it_was(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/identify", json={"userId": "u", "context": {"traits": {"email": "n/a"}}}
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "context.traits.email"


def test_track_and_page_are_identified_by_either_traits(client: TestClient, engine: Engine) -> None:
    client.post("/api/v1/identify", json={"userId": "p-1", "traits": {"email": "p@x.example"}})
    sent = 0
    for path, extra in (("/api/v1/track", {"event": "Webinar Attended"}), ("/api/v1/page", {})):
        for traits in (
            {"traits": {"email": "p@x.example"}},
            {"context": {"traits": {"email": "P@x.example"}}},
        ):
            sent += 1
            call = {"anonymousId": "a-9", "messageId": f"m-{sent}", **extra, **traits}
            answer = client.post(path, json=call)
            assert answer.status_code == 200, answer.text
    row = lead(engine, "p-1")
    assert lead(engine, "anon:a-9") is None
    assert rows(engine, "select count(*) from event where lead_id = :i", i=row.id)[0][0] == 4


def test_every_segment_path_is_served_at_the_root_too(client: TestClient, engine: Engine) -> None:
    """analytics-node given only `host` posts to <host>/v1/batch; the others alike."""
    calls = [
        ("/v1/identify", {"userId": "r-1", "traits": {"email": "r1@x.example"}}),
        ("/v1/track", {"userId": "r-1", "event": "Webinar Attended", "messageId": "r-t"}),
        ("/v1/page", {"userId": "r-1", "messageId": "r-p"}),
        ("/v1/batch", {"batch": [{"type": "track", "userId": "r-1", "event": "x"}]}),
        ("/v1/t", {"userId": "r-1", "event": "y"}),
        ("/v1/p", {"userId": "r-1", "messageId": "r-p2"}),
        ("/v1/i", {"userId": "r-1", "traits": {"title": "CEO"}}),
        ("/v1/b", {"batch": [{"type": "page", "userId": "r-1", "messageId": "r-p3"}]}),
        ("/v1/g", {"groupId": "g"}),
    ]
    for path, call in calls:
        answer = client.post(path, json=call)
        assert answer.status_code == 200, (path, answer.text)
    row = lead(engine, "r-1")
    assert (row.email, row.title) == ("r1@x.example", "CEO")
    assert rows(engine, "select count(*) from event where lead_id = :i", i=row.id)[0][0] == 6
    # the limits and the key check hold there as at /api/v1
    assert client.post("/v1/track", json={"userId": "u", "event": "x" * 900_000}).status_code == 413
    assert (
        client.post("/v1/track", json={}, headers={"Authorization": "Bearer no"}).status_code == 401
    )
    assert "/v1/track" not in client.get("/openapi.json").json()["paths"]


def test_every_error_body_has_the_code_and_message_sdks_read(client: TestClient) -> None:
    wrong_key = {"Authorization": "Bearer sdr_wrong"}
    answers = {
        "invalid_request": client.post("/api/v1/track", json={"userId": "u"}),
        "unauthorized": client.post(
            "/v1/track", json={"userId": "u", "event": "x"}, headers=wrong_key
        ),
        "payload_too_large": client.post("/v1/batch", content=b"x" * (5 << 20)),
        "unsupported_encoding": client.post(
            "/v1/track", content=b"{}", headers={"content-encoding": "br"}
        ),
        "not_found": client.post("/v1/outcomes", json={"email": "no@x.example", "stage": "won"}),
    }
    bad_json = client.post("/v1/batch", content=b"{nope")
    assert bad_json.status_code == 400 and bad_json.json()["code"] == "invalid_request"
    for code, answer in answers.items():
        got = answer.json()
        assert 400 <= answer.status_code < 500 and got["code"] == code, answer.text
        first = got["error"]
        assert got["message"].startswith(f"{first['field']}: {first['message']}")
        assert got["errors"][0] == first


def test_the_message_counts_the_errors_it_leaves_out() -> None:
    from bot.http.api.errors import body

    one = body([("batch[0].event", "is required")], 400)
    assert one["message"] == "batch[0].event: is required"
    two = body([("a", "is wrong"), ("b", "is wrong")], 409)
    assert two["code"] == "conflict" and two["message"] == "a: is wrong (and 1 more error)"


def test_serve_answers_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"
