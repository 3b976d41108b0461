"""The fake Slack Web API, exercised through the real slack_sdk client."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from tests.fakeslack import FakeSlack, RemoteFakeSlack, fake_slack, running_fake_slack

ROOT = Path(__file__).resolve().parents[2]
ALERTS = "C0ALERTS01"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    yield from fake_slack()


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return fake.web_client()


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def error_of(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        call()
    data: dict[str, Any] = info.value.response.data
    return data


# messages ------------------------------------------------------------------------------------


def test_post_message_round_trip(fake: FakeSlack, client: WebClient) -> None:
    sent = client.chat_postMessage(
        channel="#sdr-alerts",
        text="New MQL",
        blocks=[section("hi")],
        metadata={"event_type": "mql_alert", "event_payload": {"lead_id": 7}},
    )
    assert sent["ok"] and sent["channel"] == ALERTS
    assert sent["message"]["blocks"] == [section("hi")]
    later = client.chat_postMessage(channel="sdr-alerts", text="second")
    assert float(later["ts"]) > float(sent["ts"])

    stored = fake.messages("sdr-alerts")
    assert [m["text"] for m in stored] == ["New MQL", "second"]
    assert stored[0]["metadata"]["event_payload"] == {"lead_id": 7}

    history = client.conversations_history(channel=ALERTS, include_all_metadata=True)
    assert [m["ts"] for m in history["messages"]] == [later["ts"], sent["ts"]]
    assert history["messages"][1]["metadata"]["event_type"] == "mql_alert"
    plain = client.conversations_history(channel=ALERTS)
    assert all("metadata" not in m for m in plain["messages"])
    assert client.conversations_history(channel=ALERTS, oldest=sent["ts"])["messages"] == [
        m for m in plain["messages"] if m["ts"] == later["ts"]
    ]
    page = client.conversations_history(channel=ALERTS, limit=1)
    assert page["has_more"] and page["response_metadata"]["next_cursor"]
    fake.assert_no_problems()


def test_form_encoded_post_with_token_field(fake: FakeSlack) -> None:
    client = WebClient(base_url=fake.base_url)
    sent = client.api_call(
        "chat.postMessage",
        params={
            "token": fake.token,
            "channel": ALERTS,
            "text": "form",
            "blocks": '[{"type": "divider"}]',
        },
    )
    assert sent["ok"]
    assert fake.calls_to("chat.postMessage")[0].transport == "form"
    assert fake.messages(ALERTS)[0]["blocks"] == [{"type": "divider"}]


def test_update_replies_and_ephemeral(fake: FakeSlack, client: WebClient) -> None:
    root = client.chat_postMessage(channel=ALERTS, text="alert")
    client.chat_update(channel=ALERTS, ts=root["ts"], text="decided", blocks=[section("done")])
    assert fake.message(ALERTS, root["ts"])["text"] == "decided"  # type: ignore[index]
    assert (
        error_of(lambda: client.chat_update(channel=ALERTS, ts="1.000001", text="x"))["error"]
        == "message_not_found"
    )

    reply = client.chat_postMessage(channel=ALERTS, thread_ts=root["ts"], text="note")
    thread = client.conversations_replies(channel=ALERTS, ts=root["ts"])
    assert [m["ts"] for m in thread["messages"]] == [root["ts"], reply["ts"]]
    assert [m["ts"] for m in client.conversations_history(channel=ALERTS)["messages"]] == [
        root["ts"]
    ]

    eph = client.chat_postEphemeral(channel=ALERTS, user="U0SDRANNA1", text="only you")
    assert eph["message_ts"] and fake.ephemerals[0]["user"] == "U0SDRANNA1"
    assert (
        error_of(lambda: client.chat_postEphemeral(channel=ALERTS, user="U0NOBODY1", text="x"))[
            "error"
        ]
        == "user_not_in_channel"
    )


def test_missing_or_unknown_channel(fake: FakeSlack, client: WebClient) -> None:
    missing = error_of(lambda: client.api_call("chat.postMessage", json={"text": "x"}))
    assert missing["error"] == "channel_not_found"
    assert "missing required field: channel" in missing["response_metadata"]["messages"][0]
    assert (
        error_of(lambda: client.chat_postMessage(channel="#nowhere", text="x"))["error"]
        == "channel_not_found"
    )
    assert fake.problems[0].error == "channel_not_found"
    assert not fake.messages(ALERTS)


def test_no_text_and_missing_fallback(fake: FakeSlack, client: WebClient) -> None:
    assert (
        error_of(lambda: client.api_call("chat.postMessage", json={"channel": ALERTS}))["error"]
        == "no_text"
    )
    with pytest.warns(UserWarning):  # slack_sdk warns too; the fake records it as a problem
        client.chat_postMessage(channel=ALERTS, blocks=[section("no fallback")])
    warning = [p for p in fake.problems if not p.fatal]
    assert warning and "fallback" in warning[0].messages[0]


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([section("x")] * 51, "/blocks"),
        ([section("x" * 3001)], "/blocks/0/text/text"),
        (
            [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
            "/blocks/0/text/text",
        ),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}], "/blocks/0/text/type"),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
            "/blocks/0/fields",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "a",
                            "text": {"type": "plain_text", "text": "A"},
                        },
                        {
                            "type": "button",
                            "action_id": "a",
                            "text": {"type": "plain_text", "text": "B"},
                        },
                    ],
                }
            ],
            "/blocks/0/elements/1/action_id",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "a",
                            "value": "v" * 2001,
                            "text": {"type": "plain_text", "text": "A"},
                        }
                    ],
                }
            ],
            "/blocks/0/elements/0/value",
        ),
        (
            [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
            "/blocks/0/elements",
        ),
        ([{"type": "section", "text": {"type": "markdown", "text": "x"}}], "/blocks/0/text/type"),
        ([{"type": "carousel"}], "/blocks/0/type"),
    ],
)
def test_invalid_blocks(
    fake: FakeSlack, client: WebClient, blocks: list[Any], pointer: str
) -> None:
    answer = error_of(lambda: client.chat_postMessage(channel=ALERTS, text="t", blocks=blocks))
    assert answer["error"] == "invalid_blocks"
    assert any(f"[json-pointer:{pointer}]" in m for m in answer["response_metadata"]["messages"])
    assert fake.problems[0].error == "invalid_blocks"
    assert not fake.messages(ALERTS)


def test_unknown_argument_fails_hard_or_is_recorded(fake: FakeSlack, client: WebClient) -> None:
    answer = error_of(lambda: client.chat_postMessage(channel=ALERTS, text="x", colour="red"))
    assert answer["error"] == "invalid_arguments"
    assert answer["response_metadata"]["messages"] == ["[ERROR] unknown argument: colour"]
    with pytest.raises(AssertionError, match="colour"):
        fake.assert_no_problems()

    with running_fake_slack(channels=["general"], strict_args=False) as lenient:
        sent = lenient.web_client().chat_postMessage(channel="general", text="x", colour="red")
        assert sent["ok"]
        assert lenient.problems[0].fatal is False


def test_auth_and_unknown_method(fake: FakeSlack) -> None:
    anonymous = WebClient(base_url=fake.base_url)
    assert error_of(lambda: anonymous.auth_test())["error"] == "not_authed"
    wrong = WebClient(token="xoxb-wrong", base_url=fake.base_url)
    assert error_of(lambda: wrong.auth_test())["error"] == "invalid_auth"
    client = fake.web_client()
    assert client.auth_test()["user_id"].startswith("U")
    assert error_of(lambda: client.api_call("chat.sendCarrierPigeon"))["error"] == "unknown_method"


# faults --------------------------------------------------------------------------------------


def test_rate_limit_is_retried_after_retry_after(fake: FakeSlack) -> None:
    client = fake.web_client(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)])
    fake.fail_next("chat.postMessage", status=429, retry_after=1, times=1)
    started = time.monotonic()
    sent = client.chat_postMessage(channel=ALERTS, text="after the pause")
    assert sent["ok"]
    assert time.monotonic() - started >= 1.0
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]
    assert len(fake.messages(ALERTS)) == 1
    fake.assert_no_problems()


def test_server_error_is_retried(fake: FakeSlack) -> None:
    client = fake.web_client(retry_handlers=[ServerErrorRetryHandler(max_retry_count=2)])
    fake.fail_next("chat.postMessage", status=500, times=2)
    assert client.chat_postMessage(channel=ALERTS, text="third time lucky")["ok"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [500, 500, 200]


def test_without_retry_handlers_errors_surface(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("*", status=503)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel=ALERTS, text="x")
    assert info.value.response.status_code == 503
    fake.fail_next("chat.postMessage", status=200, error="is_archived")
    assert (
        error_of(lambda: client.chat_postMessage(channel=ALERTS, text="x"))["error"]
        == "is_archived"
    )


def test_per_channel_rate_limit(fake: FakeSlack, client: WebClient) -> None:
    fake.rate_limit("chat.postMessage", per_second=1.0, burst=1)
    client.chat_postMessage(channel=ALERTS, text="one")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel=ALERTS, text="two")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    client.chat_postMessage(channel="sdr-managers", text="other channel is fine")


def test_delayed_call_times_out_but_still_lands(fake: FakeSlack) -> None:
    client = fake.web_client(timeout=1)
    fake.delay_next("chat.postMessage", 1.5)
    with pytest.raises(TimeoutError):
        client.chat_postMessage(channel=ALERTS, text="slow")
    deadline = time.monotonic() + 3
    while not fake.messages(ALERTS) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m["text"] for m in fake.messages(ALERTS)] == ["slow"]


def test_dropped_connection_is_retried(fake: FakeSlack) -> None:
    client = fake.web_client(retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)])
    fake.delay_next("chat.postMessage", 0.01, drop=True)
    assert client.chat_postMessage(channel=ALERTS, text="again")["ok"]
    assert len(fake.messages(ALERTS)) == 1


# views, users, files -------------------------------------------------------------------------

MODAL = {
    "type": "modal",
    "callback_id": "promote_submit",
    "private_metadata": "42",
    "title": {"type": "plain_text", "text": "Promote to SQL"},
    "submit": {"type": "plain_text", "text": "Hand over"},
    "blocks": [
        {
            "type": "input",
            "block_id": "notes",
            "label": {"type": "plain_text", "text": "Notes"},
            "element": {"type": "plain_text_input", "action_id": "notes"},
        }
    ],
}


def test_views(fake: FakeSlack, client: WebClient) -> None:
    trigger = fake.trigger_id()
    opened = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert opened["id"].startswith("V") and opened["private_metadata"] == "42"
    assert (
        error_of(lambda: client.views_open(trigger_id=trigger, view=MODAL))["error"]
        == "exchanged_trigger_id"
    )
    assert (
        error_of(lambda: client.views_open(trigger_id="nonsense", view=MODAL))["error"]
        == "invalid_trigger_id"
    )
    long_title = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}
    bad = error_of(lambda: client.views_open(trigger_id=fake.trigger_id(), view=long_title))
    assert bad["error"] == "invalid_arguments"
    assert "/view/title/text" in bad["response_metadata"]["messages"][0]

    updated = client.views_update(
        view_id=opened["id"], hash=opened["hash"], view={**MODAL, "private_metadata": "43"}
    )["view"]
    assert updated["id"] == opened["id"] and updated["private_metadata"] == "43"
    assert (
        error_of(
            lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)
        )["error"]
        == "hash_conflict"
    )
    home = {"type": "home", "blocks": [section("your queue")]}
    client.views_publish(user_id="U0SDRANNA1", view=home)
    assert fake.home_view("U0SDRANNA1")["blocks"] == home["blocks"]  # type: ignore[index]


def test_users_and_ims(fake: FakeSlack, client: WebClient) -> None:
    assert client.users_info(user="U0SDRANNA1")["user"]["profile"]["email"] == "anna@example.com"
    assert client.users_lookupByEmail(email="BEN@example.com")["user"]["id"] == "U0SDRBEN01"
    assert (
        error_of(lambda: client.users_lookupByEmail(email="x@example.com"))["error"]
        == "users_not_found"
    )
    assert error_of(lambda: client.users_info(user="U0NOBODY1"))["error"] == "user_not_found"
    im = client.conversations_open(users="U0SDRANNA1")["channel"]["id"]
    assert im.startswith("D")
    assert client.conversations_open(users=["U0SDRANNA1"])["already_open"]
    client.chat_postMessage(channel="U0SDRANNA1", text="reminder")
    assert fake.messages(im)[0]["text"] == "reminder"


def test_file_upload(fake: FakeSlack, client: WebClient) -> None:
    done = client.files_upload_v2(
        channel=ALERTS,
        content=b"\x89PNG chart",
        filename="chart.png",
        title="Weekly funnel",
        initial_comment="Digest",
    )
    file_id = done["file"]["id"]
    assert fake.uploaded(file_id) == b"\x89PNG chart"
    posted = fake.messages(ALERTS)[0]
    assert posted["text"] == "Digest" and posted["files"][0]["title"] == "Weekly funnel"
    fake.assert_no_problems()


def test_reset_keeps_directory(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel=ALERTS, text="x")
    fake.fail_next("auth.test")
    fake.reset()
    assert not fake.calls and not fake.messages(ALERTS)
    assert client.auth_test()["ok"]
    assert client.users_info(user="U0SDRBEN01")["ok"]


def test_standalone_process_with_remote_controls() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakeslack",
            "--port",
            "0",
            "--channel",
            "sdr-alerts=C0X1",
            "--user",
            "U0AAA1:anna:anna@example.com",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        base_url = line.rsplit(" ", 1)[1].strip()
        remote = RemoteFakeSlack(base_url.removesuffix("api/"))
        client = WebClient(token="xoxb-fake-bot-token", base_url=base_url)
        remote.fail_next("chat.postMessage", 500)
        assert (
            error_of(lambda: client.chat_postMessage(channel="sdr-alerts", text="x"))["error"]
            == "internal_error"
        )
        client.chat_postMessage(channel="sdr-alerts", text="hello")
        assert [m["text"] for m in remote.messages("C0X1")] == ["hello"]
        assert [c["status"] for c in remote.calls] == [500, 200]
        remote.reset()
        assert remote.calls == [] and remote.problems == []
    finally:
        proc.terminate()
        proc.wait(timeout=5)
