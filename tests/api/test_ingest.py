"""The ingest API's happy paths: identify, track, page, batch, anonymous visitors, outcomes."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from storage.db import session_scope
from storage.tables import Event
from tests.api.helpers import count, events_of, lead, rows
from tests.conftest import NOW

T = (NOW - timedelta(hours=2)).isoformat()
OK = {"success": True}


def ok_batch(calls: int) -> dict[str, object]:
    """A batch all of whose calls were taken."""
    return {**OK, "accepted": calls, "rejected": 0, "rejections": []}


def props(value: object) -> dict[str, object]:
    return json.loads(value) if isinstance(value, str) else dict(value)  # type: ignore[arg-type]


def test_identify_maps_our_names_and_segments_reserved_traits(
    client: TestClient, engine: Engine
) -> None:
    answer = client.post(
        "/api/v1/identify",
        json={
            "userId": "crm-1",
            "messageId": "m-1",
            "traits": {
                "email": "Anna@Hotel.example",
                "firstName": "Anna",
                "last_name": "Adler",
                "title": "CEO",
                "company": {"name": "Adler Hotels", "employee_count": 120, "plan": "gold"},
                "industry": "hospitality",
                "address": {"country": "DE"},
                "plan": "pro",
            },
            "integrations": {"All": True},
            "sentAt": T,
        },
    )
    assert answer.status_code == 200 and answer.json() == OK
    row = lead(engine, "crm-1")
    assert (
        row.email,
        row.first_name,
        row.last_name,
        row.title,
        row.company,
        row.company_size,
        row.industry,
        row.country,
    ) == ("anna@hotel.example", "Anna", "Adler", "CEO", "Adler Hotels", 120, "hospitality", "DE")
    attrs = props(row.attributes)
    assert attrs["plan"] == "pro" and attrs["company_plan"] == "gold"
    assert count(engine, "lead_score") == 1  # scored in the same transaction


def test_segment_employees_and_name_traits(client: TestClient, engine: Engine) -> None:
    client.post(
        "/api/v1/identify",
        json={
            "userId": "u9",
            "traits": {"name": "Ben van Berg", "employees": "1,200", "company": "Berg AG"},
        },
    )
    row = lead(engine, "u9")
    assert (row.first_name, row.last_name, row.company_size, row.company) == (
        "Ben",
        "van Berg",
        1200,
        "Berg AG",
    )


def test_track_maps_event_names_and_keeps_unknown_ones_as_custom(
    client: TestClient, engine: Engine
) -> None:
    for body in (
        {"event": "Webinar Attended"},
        {"event": "content_download", "properties": {"asset_type": "ebook"}},
        {"event": "Whitepaper Downloaded"},
        {"event": "Trial Started"},
    ):
        answer = client.post("/api/v1/track", json={"userId": "u1", "timestamp": T, **body})
        assert answer.status_code == 200, answer.text
    got = events_of(engine, lead(engine, "u1").id)
    assert [(k, props(p)) for k, p in got] == [
        ("webinar_attended", {}),
        ("content_download", {"asset_type": "ebook"}),
        ("content_download", {"asset_type": "whitepaper"}),
        ("trial_started", {}),
    ]


def test_page_calls_and_page_viewed_events_carry_the_url(
    client: TestClient, engine: Engine
) -> None:
    client.post(
        "/api/v1/page",
        json={
            "userId": "u1",
            "name": "Pricing",
            "properties": {"url": "https://x.example/pricing"},
        },
    )
    client.post(
        "/api/v1/track",
        json={
            "userId": "u1",
            "event": "Page Viewed",
            "context": {"page": {"url": "https://x.example/product"}},
        },
    )
    got = events_of(engine, lead(engine, "u1").id)
    assert [(k, props(p)["url"]) for k, p in got] == [
        ("page_view", "https://x.example/pricing"),
        ("page_view", "https://x.example/product"),
    ]


def test_a_repeated_message_id_is_acknowledged_and_ignored(
    client: TestClient, engine: Engine
) -> None:
    body = {"userId": "u1", "event": "Webinar Attended", "messageId": "abc", "timestamp": T}
    assert client.post("/api/v1/track", json=body).json() == OK
    assert client.post("/api/v1/track", json=body).json() == OK
    assert client.post(
        "/api/v1/batch", json={"batch": [{**body, "type": "track"}]}
    ).json() == ok_batch(1)
    assert count(engine, "event") == 1


def test_a_repeated_identify_does_not_undo_a_newer_one(client: TestClient, engine: Engine) -> None:
    old = {"userId": "u1", "messageId": "id-1", "traits": {"title": "Manager"}}
    assert client.post("/api/v1/identify", json=old).json() == OK
    client.post(
        "/api/v1/identify", json={"userId": "u1", "messageId": "id-2", "traits": {"title": "CEO"}}
    )
    # Segment retries the first delivery, alone and in a batch: acknowledged, not applied
    assert client.post("/api/v1/identify", json=old).json() == OK
    assert client.post(
        "/api/v1/batch", json={"batch": [{**old, "type": "identify"}]}
    ).json() == ok_batch(1)
    assert lead(engine, "u1").title == "CEO"
    # the same id on a track is another delivery: both kinds keep their own ids
    client.post(
        "/api/v1/track",
        json={"userId": "u1", "event": "Webinar Attended", "messageId": "id-1", "timestamp": T},
    )
    assert count(engine, "event") == 1


def test_an_identify_in_a_rejected_batch_can_be_sent_again(
    atomic_client: TestClient, engine: Engine
) -> None:
    identify = {"type": "identify", "userId": "u2", "messageId": "id-9", "traits": {"title": "CEO"}}
    bad = {"type": "track", "userId": "u2", "event": "Webinar Attended", "timestamp": "soon"}
    assert atomic_client.post("/api/v1/batch", json={"batch": [identify, bad]}).status_code == 400
    assert atomic_client.post("/api/v1/batch", json={"batch": [identify]}).json() == OK
    assert lead(engine, "u2").title == "CEO"


def test_a_track_that_makes_an_mql_writes_the_alert_to_the_outbox(
    client: TestClient, engine: Engine
) -> None:
    client.post(
        "/api/v1/identify",
        json={"userId": "ceo", "traits": {"email": "ceo@hotel.example", "title": "CEO"}},
    )
    assert count(engine, "outbox") == 0
    client.post(
        "/api/v1/track", json={"userId": "ceo", "event": "Webinar Attended", "timestamp": T}
    )
    assert count(engine, "outbox") == 0
    client.post(
        "/api/v1/track",
        json={
            "userId": "ceo",
            "event": "Page Viewed",
            "timestamp": T,
            "properties": {"url": "https://x.example/product"},
        },
    )
    out = rows(engine, "select kind, lead_id from outbox")
    row = lead(engine, "ceo")
    assert out == [("slack.alert", row.id)] and row.status == "mql"
    assert rows(engine, "select cause, actor from lifecycle_transition") == [("score", "api:test")]


def test_a_demo_request_fast_tracks(client: TestClient, engine: Engine) -> None:
    client.post("/api/v1/track", json={"userId": "x1", "event": "Demo Requested"})
    assert lead(engine, "x1").status == "mql"
    assert rows(engine, "select cause from lifecycle_transition") == [("fast_track",)]
    assert count(engine, "outbox") == 1


def test_batch_mixes_calls_and_applies_the_batch_context(
    client: TestClient, engine: Engine
) -> None:
    answer = client.post(
        "/api/v1/batch",
        json={
            "context": {"page": {"url": "https://x.example/product"}},
            "batch": [
                {"type": "identify", "userId": "b1", "traits": {"email": "b1@x.example"}},
                {"type": "track", "userId": "b1", "event": "Page Viewed", "timestamp": T},
                {
                    "type": "page",
                    "userId": "b1",
                    "timestamp": T,
                    "context": {"page": {"url": "https://x.example/careers"}},
                },
                {"type": "group", "groupId": "g1"},
                {"type": "alias", "previousId": "p"},
            ],
        },
    )
    assert answer.json() == ok_batch(5)
    got = events_of(engine, lead(engine, "b1").id)
    assert sorted(props(p)["url"] for _, p in got) == [
        "https://x.example/careers",
        "https://x.example/product",
    ]


def test_basic_auth_with_the_key_as_user_name(client: TestClient, key: str, engine: Engine) -> None:
    basic = base64.b64encode(f"{key}:".encode()).decode()
    answer = client.post(
        "/api/v1/track",
        json={"userId": "u1", "event": "Email Opened"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert answer.status_code == 200 and count(engine, "event") == 1


def test_anonymous_events_join_a_new_person_on_identify(client: TestClient, engine: Engine) -> None:
    client.post(
        "/api/v1/track",
        json={"anonymousId": "cookie-1", "event": "Webinar Attended", "timestamp": T},
    )
    anon = lead(engine, "anon:cookie-1")
    assert anon is not None and anon.email is None
    client.post(
        "/api/v1/identify",
        json={"userId": "p1", "anonymousId": "cookie-1", "traits": {"email": "p1@x.example"}},
    )
    assert lead(engine, "anon:cookie-1") is None
    person = lead(engine, "p1")
    assert person.id == anon.id and person.email == "p1@x.example"
    assert [k for k, _ in events_of(engine, person.id)] == ["webinar_attended"]


def test_anonymous_events_merge_into_a_known_person(client: TestClient, engine: Engine) -> None:
    client.post(
        "/api/v1/identify",
        json={"userId": "p2", "traits": {"email": "p2@x.example", "title": "CEO"}},
    )
    client.post("/api/v1/track", json={"userId": "p2", "event": "Webinar Attended", "timestamp": T})
    client.post(
        "/api/v1/track",
        json={
            "anonymousId": "c2",
            "event": "Page Viewed",
            "timestamp": T,
            "properties": {"url": "https://x.example/product"},
        },
    )
    assert lead(engine, "p2").status == "lead"
    client.post("/api/v1/identify", json={"userId": "p2", "anonymousId": "c2"})
    assert lead(engine, "anon:c2") is None and count(engine, "lead") == 1
    person = lead(engine, "p2")
    assert sorted(k for k, _ in events_of(engine, person.id)) == ["page_view", "webinar_attended"]
    # the rebuilt state counts both events: the product page makes the CEO an MQL
    assert person.status == "mql" and count(engine, "outbox") == 1


def test_crm_outcomes_move_the_lifecycle_once(client: TestClient, engine: Engine) -> None:
    client.post("/api/v1/identify", json={"userId": "w1", "traits": {"email": "w1@x.example"}})
    body = {"email": "W1@x.example", "stage": "opportunity", "amount": 5000, "messageId": "o1"}
    assert client.post("/api/v1/outcomes", json=body).json() == OK
    assert client.post("/api/v1/outcomes", json=body).json() == OK  # repeated delivery
    assert (
        client.post(
            "/api/v1/outcomes", json={"userId": "w1", "stage": "won", "amount": 5200.5}
        ).json()
        == OK
    )
    got = rows(
        engine, "select from_status, to_status, cause, actor from lifecycle_transition order by id"
    )
    assert got == [
        ("lead", "opportunity", "crm:opportunity", "api:test"),
        ("opportunity", "won", "crm:won", "api:test"),
    ]
    assert lead(engine, "w1").status == "won"
    assert [k for k, _ in events_of(engine, lead(engine, "w1").id)] == [
        "crm_opportunity",
        "crm_won",
    ]


def test_a_crm_outcome_for_an_mql_updates_its_alert(client: TestClient, engine: Engine) -> None:
    client.post("/api/v1/track", json={"userId": "m1", "event": "Demo Requested"})
    assert lead(engine, "m1").status == "mql"
    body = {"userId": "m1", "stage": "opportunity", "messageId": "o-m1"}
    for _ in range(2):  # a repeated delivery queues no second update
        assert client.post("/api/v1/outcomes", json=body).json() == OK
    assert rows(engine, "select kind from outbox order by id") == [
        ("slack.alert",),
        ("slack.update",),
    ]


def test_docs_and_openapi_are_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/v1/identify", "/api/v1/track", "/api/v1/batch", "/api/v1/outcomes"} <= set(
        spec["paths"]
    )
    assert client.get("/docs").status_code == 200
    assert spec["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/track"]["post"]["security"] == [{"ApiKey": []}]


def test_bodies_are_json_whatever_the_content_type(client: TestClient, engine: Engine) -> None:
    for kind in ("text/plain;charset=UTF-8", None):
        headers = {"content-type": kind} if kind else {}
        answer = client.post(
            "/api/v1/track",
            headers=headers,
            content=json.dumps(
                {"userId": "u1", "event": "Email Opened", "messageId": f"ct-{kind}"}
            ).encode(),
        )
        assert answer.json() == OK
    assert count(engine, "event") == 2


def test_device_times_are_corrected_by_the_clock_error(client: TestClient, engine: Engine) -> None:
    # the device's clock runs 10 minutes fast: its times are moved back by as much
    fast = NOW + timedelta(minutes=10)
    client.post(
        "/api/v1/track",
        json={
            "userId": "d1",
            "event": "Email Opened",
            "sentAt": fast.isoformat(),
            "originalTimestamp": (fast - timedelta(hours=1)).isoformat(),
        },
    )
    client.post(
        "/api/v1/batch",
        json={
            "sentAt": fast.isoformat(),
            "batch": [
                {
                    "type": "track",
                    "userId": "d1",
                    "event": "Email Clicked",
                    "originalTimestamp": (fast - timedelta(hours=2)).isoformat(),
                }
            ],
        },
    )
    with session_scope(engine) as session:
        got = [
            (e.type, e.occurred_at)
            for e in session.exec(select(Event).order_by(col(Event.occurred_at)))
        ]
    assert got == [
        ("email_click", NOW - timedelta(hours=2)),
        ("email_open", NOW - timedelta(hours=1)),
    ]


def test_after_the_identify_the_anonymous_id_alone_names_the_person(
    client: TestClient, engine: Engine
) -> None:
    client.post(
        "/api/v1/track", json={"anonymousId": "c3", "event": "Email Opened", "timestamp": T}
    )
    client.post("/api/v1/identify", json={"userId": "p3", "anonymousId": "c3"})
    client.post("/api/v1/identify", json={"userId": "p4", "anonymousId": "c4"})  # unseen id
    for anon in ("c3", "c4"):
        client.post(
            "/api/v1/track", json={"anonymousId": anon, "event": "Webinar Attended", "timestamp": T}
        )
    client.post("/api/v1/identify", json={"anonymousId": "c4", "traits": {"title": "CEO"}})
    assert count(engine, "lead") == 2 and lead(engine, "anon:c3") is None
    assert [k for k, _ in events_of(engine, lead(engine, "p3").id)] == [
        "email_open",
        "webinar_attended",
    ]
    assert [k for k, _ in events_of(engine, lead(engine, "p4").id)] == ["webinar_attended"]
    assert lead(engine, "p4").title == "CEO"
