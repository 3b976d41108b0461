"""The sandbox over HTTP, as the page uses it: signed requests to the real Bolt app, the
stand-in's answers, and what each person sees."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.launch import Sandbox
from bot.sandbox.stand_in import TRIGGER_TTL
from bot.sandbox.workspace import CHANNELS, PEOPLE
from tests.sandbox.running import Page, running_sandbox, wait_for

ANNA, BEN = PEOPLE[0].id, PEOPLE[1].id
ALERTS = CHANNELS["sdr-alerts"]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with running_sandbox(tmp_path) as running:
        yield running


def first_alert(page: Page, sandbox: Sandbox) -> dict[str, Any]:
    alert: dict[str, Any] = wait_for(
        lambda: next(iter(page.alerts()), None), message="no MQL alert arrived"
    )
    assert sandbox.stream is not None
    sandbox.stream.pause(True)
    return alert


def replied(page: Page, alert: dict[str, Any]) -> bool:
    return any(
        m.get("thread_ts") == alert["ts"] and m["ts"] != alert["ts"]
        for m in page.channel("sdr-alerts")
    )


def filled(modal: dict[str, Any]) -> dict[str, Any]:
    """Every input of a modal answered with its first choice (or a text)."""
    values: dict[str, Any] = {}
    for block in modal["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind, action_id = element["type"], element["action_id"]
        if kind == "static_select":
            value: dict[str, Any] = {"selected_option": element["options"][0]}
        elif kind == "users_select":
            value = {"selected_user": PEOPLE[-1].id}
        elif kind == "checkboxes":
            value = {"selected_options": element["options"][:1]}
        elif kind == "radio_buttons":
            value = {"selected_option": element["options"][0]}
        else:
            value = {"value": "Wants a pilot in March."}
        values[block["block_id"]] = {action_id: {"type": kind, **value}}
    return values


def test_the_page_and_the_stand_in_are_served_on_127_0_0_1(sandbox: Sandbox) -> None:
    assert sandbox.url.startswith("http://127.0.0.1:")
    page = httpx.get(f"{sandbox.url}/sandbox")
    assert page.status_code == 200 and "sandbox.js" in page.text
    client = WebClient(token=sandbox.stand_in.token, base_url=sandbox.stand_in.base_url)
    assert client.auth_test()["ok"]
    with pytest.raises(SlackApiError) as refused:
        WebClient(token="xoxb-wrong", base_url=sandbox.stand_in.base_url).auth_test()
    assert refused.value.response["error"] == "invalid_auth"


def test_a_request_without_slacks_signature_is_refused_by_the_bot(sandbox: Sandbox) -> None:
    answer = httpx.post(
        f"{sandbox.url}/slack/events",
        content=b"command=%2Flead&text=help&user_id=U1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 401


def test_a_trigger_older_than_three_seconds_opens_no_modal(sandbox: Sandbox) -> None:
    stand_in = sandbox.stand_in
    trigger = stand_in.issue_trigger(ANNA)
    user, issued = stand_in._triggers[trigger]
    stand_in._triggers[trigger] = (user, issued - TRIGGER_TTL - 0.5)
    client = WebClient(token=stand_in.token, base_url=stand_in.base_url)
    view = {"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": []}
    with pytest.raises(SlackApiError) as refused:
        client.views_open(trigger_id=trigger, view=view)
    assert refused.value.response["error"] == "expired_trigger_id"
    assert not stand_in.modals.get(ANNA)


def test_claim_promote_and_the_bant_modal_end_in_a_handover(sandbox: Sandbox) -> None:
    anna, ben = Page(sandbox, ANNA), Page(sandbox, BEN)
    alert = first_alert(anna, sandbox)
    assert anna.click(alert, "lead_claim", channel=ALERTS).json() == {"ok": True}
    wait_for(lambda: replied(anna, alert), message="no claim note in the alert's thread")
    assert anna.click(alert, "lead_promote", channel=ALERTS).json() == {"ok": True}
    modal = wait_for(lambda: anna.state()["modal"], message="the BANT modal did not open")
    assert ben.state()["modal"] is None  # the modal is the clicker's alone
    answer = anna.act(kind="submit", view_id=modal["id"], values=filled(modal)).json()
    assert answer == {"ok": True}
    assert anna.state()["modal"] is None

    def decided() -> bool:
        now = next(m for m in anna.channel("sdr-alerts") if m["ts"] == alert["ts"])
        return not any(b["type"] == "actions" for b in now["blocks"])

    wait_for(decided, message="the alert still has its buttons")
    wait_for(lambda: anna.channel("ae-handover"), message="no handover in the AE channel")


def test_a_late_click_gets_an_ephemeral_for_the_clicker_only(sandbox: Sandbox) -> None:
    anna, ben = Page(sandbox, ANNA), Page(sandbox, BEN)
    alert = first_alert(anna, sandbox)
    anna.click(alert, "lead_claim", channel=ALERTS)
    wait_for(lambda: replied(anna, alert), message="no claim note in the alert's thread")
    ben.click(alert, "lead_claim", channel=ALERTS)
    wait_for(lambda: ben.state()["ephemerals"], message="Ben was not told")
    assert not anna.state()["ephemerals"]


def test_slash_commands_answer_the_asker_only_and_unknown_ones_get_slacks_answer(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    anna, ben = Page(sandbox, ANNA), Page(sandbox, BEN)
    anna.act(kind="message", channel=ALERTS, text="/lead help")
    anna.act(kind="message", channel=ALERTS, text="/leads now")
    notes = anna.state()["ephemerals"]
    assert "/lead" in notes[0]["text"] and notes[0]["by"] == ""
    assert notes[1]["text"].startswith("/leads is not a valid command")
    assert notes[1]["by"] == "USLACKBOT"
    assert ben.state()["ephemerals"] == []
    anna.act(kind="message", channel=ALERTS, text="hello team")
    assert anna.channel("sdr-alerts")[-1]["text"] == "hello team"
    # sent to the bot, which has no listener for it: no warning for each message typed
    assert "Unhandled request" not in caplog.text


def test_a_pick_lists_button_replaces_the_list_through_its_response_url(
    sandbox: Sandbox,
) -> None:
    anna = Page(sandbox, ANNA)
    wait_for(lambda: len(anna.alerts()) >= 2, message="fewer than two alerts arrived")
    anna.act(kind="message", channel=ALERTS, text="/lead e")
    pick = anna.state()["ephemerals"][-1]
    assert "pick one:" in pick["text"]
    answer = anna.click(pick, "lead_pick_1", channel=ALERTS, ephemeral_ts=pick["message_ts"])
    assert answer.json() == {"ok": True}

    def replaced() -> dict[str, Any] | None:
        now = anna.state()["ephemerals"]
        return next((e for e in now if e["message_ts"] == pick["message_ts"]), None)

    card = wait_for(lambda: (r := replaced()) and "pick one:" not in r["text"] and r)
    assert "score" in card["text"] and len(anna.state()["ephemerals"]) == 1


def test_the_home_tab_is_published_for_the_person_who_opens_it(sandbox: Sandbox) -> None:
    anna = Page(sandbox, ANNA)
    assert anna.act(kind="home").json() == {"ok": True}
    home = wait_for(lambda: anna.state()["home"], message="no Home tab")
    assert home["type"] == "home" and Page(sandbox, BEN).state()["home"] is None


def home_button(home: dict[str, Any], action: str) -> dict[str, Any]:
    """The first listed MQL's button `action` on a Home tab, as the page sends a click."""
    for block in home["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"].startswith(f"{action}:"):
                return {
                    "type": "button",
                    "action_id": element["action_id"],
                    "block_id": block["block_id"],
                    "value": element["value"],
                }
    raise AssertionError(f"no {action} button on the Home tab")


def test_the_home_tabs_buttons_claim_and_decide_and_the_tab_follows(sandbox: Sandbox) -> None:
    anna = Page(sandbox, ANNA)
    first_alert(anna, sandbox)
    anna.act(kind="home")
    home = wait_for(lambda: anna.state()["home"], message="no Home tab")
    claim = home_button(home, "lead_claim")
    assert anna.act(kind="click", action=claim, view_id=home["id"]).json() == {"ok": True}

    def mine() -> list[str]:
        view = anna.state()["home"]
        return [b["block_id"] for b in view["blocks"] if b["type"] == "actions"][:1]

    wait_for(lambda: f"lead_claim:{claim['value']}" not in json.dumps(anna.state()["home"]))
    assert mine() == [claim["block_id"]]  # first under "Claimed by you"
    home = anna.state()["home"]
    promote = home_button(home, "lead_promote")
    assert promote["value"] == claim["value"]
    assert anna.act(kind="click", action=promote, view_id=home["id"]).json() == {"ok": True}
    modal = wait_for(lambda: anna.state()["modal"], message="the BANT modal did not open")
    assert modal["private_metadata"] == f"{claim['value']}:home"
    answer = anna.act(kind="submit", view_id=modal["id"], values=filled(modal)).json()
    assert answer == {"ok": True}
    wait_for(lambda: f':{claim["value"]}"' not in json.dumps(anna.state()["home"]))


def test_what_no_slack_client_could_send_gets_a_clear_400(sandbox: Sandbox) -> None:
    page = Page(sandbox, "U0NOBODY01")
    answer = page.act(kind="home")
    assert answer.status_code == 400 and "no person" in answer.json()["error"]
    answer = Page(sandbox, ANNA).act(kind="submit", view_id="V0NONE")
    assert answer.status_code == 400 and "V0NONE) is no longer open" in answer.json()["error"]
    for path in ("/sandbox/act", "/sandbox/stream"):
        answer = httpx.post(f"{sandbox.url}{path}", content=b"{not json")
        assert answer.status_code == 400 and "not a JSON object" in answer.json()["error"]
    answer = Page(sandbox, ANNA).act(kind="wave")
    assert answer.status_code == 400 and "does not know the act wave" in answer.json()["error"]


def test_the_page_hears_of_each_change_over_server_sent_events(sandbox: Sandbox) -> None:
    with httpx.stream("GET", f"{sandbox.url}/sandbox/events", timeout=10) as events:
        lines = events.iter_lines()
        first = next(lines)
        assert first.startswith("data: ")
        Page(sandbox, ANNA).act(kind="message", channel=ALERTS, text="ping")
        later = next(line for line in lines if line.startswith("data: "))
        assert int(later[6:]) > int(first[6:])


def test_the_demo_stream_pauses(sandbox: Sandbox) -> None:
    assert sandbox.stream is not None
    answer = httpx.post(f"{sandbox.url}/sandbox/stream", json={"paused": True})
    assert answer.json() == {"ok": True, "paused": True}
    sent = sandbox.stream.sent
    time.sleep(1)
    assert sandbox.stream.sent <= sent + 1  # at most the lead already on its way


def test_a_click_for_a_lead_that_is_gone_gets_an_answer_not_a_trace(sandbox: Sandbox) -> None:
    anna = Page(sandbox, ANNA)
    alert = first_alert(anna, sandbox)
    gone = json.loads(json.dumps(alert))
    for block in gone["blocks"]:
        for element in block.get("elements", []):
            if "value" in element:
                element["value"] = "99999"  # a lead no longer in the database
    for action_id in ("lead_claim", "lead_promote"):
        assert anna.click(gone, action_id, channel=ALERTS).json() == {"ok": True}
    notes = wait_for(
        lambda: len(anna.state()["ephemerals"]) == 2 and anna.state()["ephemerals"],
        message="the bot did not answer both clicks",
    )
    assert all("99999" in note["text"] for note in notes)
    assert anna.state()["modal"] is None


def test_a_thread_reply_reaches_the_bot_as_a_signed_message_event(sandbox: Sandbox) -> None:
    heard: list[dict[str, Any]] = []
    # a listener of the test's own: the bot has none, and Bolt runs one only for a request
    # whose signature it accepted
    sandbox.bolt.event("message")(lambda event: heard.append(event))
    anna = Page(sandbox, ANNA)
    alert = first_alert(anna, sandbox)
    answer = anna.act(kind="message", channel=ALERTS, text="Calling her now", thread_ts=alert["ts"])
    assert answer.json() == {"ok": True}
    reply = next(m for m in anna.channel("sdr-alerts") if m.get("text") == "Calling her now")
    assert reply["thread_ts"] == alert["ts"] and reply["user"] == ANNA
    [event] = wait_for(lambda: heard, message="the bot heard no message event")
    assert event["thread_ts"] == alert["ts"] and event["ts"] == reply["ts"]
    assert event["user"] == ANNA and event["channel"] == ALERTS


def test_advancing_a_working_day_brings_the_sla_reminder_and_escalation(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    anna = Page(sandbox, ANNA)
    alert = first_alert(anna, sandbox)
    before = sandbox.clock()
    answer = httpx.post(f"{sandbox.url}/sandbox/clock", timeout=30).json()
    assert answer["ok"] and len(answer["summaries"]) == 2
    assert sandbox.clock() - before >= timedelta(hours=8)  # a working day of 09:00 to 17:00
    saved = json.loads((tmp_path / "sandbox.db.clock.json").read_text())
    assert saved["offset_seconds"] >= 8 * 3600

    def reminded() -> bool:
        return any(
            m.get("thread_ts") == alert["ts"] and "working hours" in m.get("text", "")
            for m in anna.channel("sdr-alerts")
        )

    wait_for(reminded, message="no SLA reminder in the alert's thread")
    escalations = wait_for(lambda: anna.channel("sdr-managers"), message="no escalation")
    assert "twice the SLA of 4" in escalations[0]["text"]
    # what is posted afterwards carries the sandbox's time, as the page shows it
    assert float(escalations[0]["ts"]) >= before.timestamp() + 8 * 3600 - 60
    assert datetime.fromisoformat(anna.state()["now"]) >= before + timedelta(hours=8)


def test_post_digest_now_posts_the_digest_and_its_chart_to_marketing(sandbox: Sandbox) -> None:
    anna = Page(sandbox, ANNA)
    first_alert(anna, sandbox)
    answer = httpx.post(f"{sandbox.url}/sandbox/digest", timeout=30).json()
    assert answer["ok"] and answer["week"].startswith(f"{sandbox.clock():%G}-W")
    posted = wait_for(
        lambda: len(anna.channel("marketing")) >= 2 and anna.channel("marketing"),
        message="the digest or its chart did not reach #marketing",
    )
    assert posted[0].get("blocks")
    [chart] = posted[1]["files"]
    image = httpx.get(f"{sandbox.url}/sandbox/files/{chart['id']}")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert image.headers["content-type"] == "image/png"
    assert sandbox.stand_in.calls_to("files.completeUploadExternal", ok=True)
    assert httpx.get(f"{sandbox.url}/sandbox/files/F0NONE").status_code == 404


def test_a_restarted_sandbox_shows_the_channels_it_had_and_the_bot_goes_on_with_them(
    tmp_path: Path,
) -> None:
    with running_sandbox(tmp_path) as first:
        alert = first_alert(Page(first, ANNA), first)
    assert (tmp_path / "sandbox.db.slack.json").exists()
    with running_sandbox(tmp_path) as again:
        anna = Page(again, ANNA)
        kept = next(m for m in anna.alerts() if m["ts"] == alert["ts"])
        assert kept["blocks"] == alert["blocks"]
        assert again.stream is None  # the database has its leads already
        assert anna.click(kept, "lead_claim", channel=ALERTS).json() == {"ok": True}
        wait_for(lambda: replied(anna, kept), message="no claim note in the kept alert's thread")
        ts = [m["ts"] for m in anna.channel("sdr-alerts")]
        assert len(ts) == len(set(ts))  # no timestamp given out twice
