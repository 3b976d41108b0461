"""The README's receiver check works on a real delivery, and `sdrbot webhook` as a user runs it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.cli import app
from bot.webhooks.sender import WebhookSender, make_client
from tests.webhooks.conftest import add_webhook, make_mql
from tests.webhooks.receiver import Answer, Receiver

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_receiver_check() -> Any:
    text = README.read_text(encoding="utf-8").split("## Webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code, "the README's Webhooks section shows how a receiver checks a signature"
    namespace: dict[str, Any] = {}
    exec(code.group(1), namespace)
    return namespace["is_from_sdrbot"]


def test_the_readme_check_accepts_a_real_delivery_and_refuses_a_forged_one(
    engine: Engine, client: TestClient, receiver: Receiver
) -> None:
    check = readme_receiver_check()
    hook = add_webhook(engine, receiver.url)
    make_mql(client)
    sender = WebhookSender(engine, lambda: datetime.now(UTC), client=make_client(), lanes=1)
    assert sender.drain_once().sent == 1
    got = receiver.received[0]
    headers = {
        name: got.headers[name.lower()] for name in ("X-Sdrbot-Timestamp", "X-Sdrbot-Signature")
    }
    assert check(hook.secret, headers, got.body)
    assert not check(hook.secret, headers, got.body.replace(b'"mql"', b'"sql"'))
    assert not check("whsec_guess", headers, got.body)


@pytest.fixture
def runner(cli: CliRunner) -> CliRunner:
    return cli


def run(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, ["webhook", *args])


def test_add_list_test_secret_and_remove(runner: CliRunner, receiver: Receiver) -> None:
    added = run(runner, "add", receiver.url, "--events", "mql,sql", "-e", "won")
    assert added.exit_code == 0, added.output
    secret = re.search(r"whsec_\S+", added.output)
    assert secret and "Added webhook #1: mql,sql,won" in added.output

    listed = run(runner, "list")
    assert receiver.url in listed.output and "mql,sql,won" in listed.output
    assert run(runner, "secret", "1").output.strip() == secret.group(0)

    tested = run(runner, "test", "1")
    assert tested.exit_code == 0 and "answered HTTP 200" in tested.output
    [ping] = receiver.documents()
    assert ping["type"] == "ping" and ping["data"] == {"webhook_id": 1}

    removed = run(runner, "remove", "1")
    assert removed.exit_code == 0 and "Removed webhook #1" in removed.output
    assert "No webhooks yet" in run(runner, "list").output
    assert "removed" in run(runner, "list", "--removed").output


def test_a_failing_test_delivery_says_what_the_receiver_answered(
    runner: CliRunner, receiver: Receiver
) -> None:
    run(runner, "add", receiver.url)
    receiver.answer(Answer(401, body="bad signature"))
    result = run(runner, "test", "1")
    assert result.exit_code == 1
    assert "answered HTTP 401: bad signature" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "hooks.example.com/x"], "is not an http(s) URL"),
        (["add", "ftp://hooks.example.com/x"], "is not an http(s) URL"),
        (
            ["add", "https://hooks.example.com/x", "--events", "mql,qualified"],
            "'qualified' is not a lifecycle status; --events takes lead, mql, sql",
        ),
        (["test", "7"], "there is no webhook #7; the webhooks are: none"),
        (["remove", "7"], "there is no webhook #7"),
        (["redeliver", "7"], "there is no webhook #7"),
        (["secret", "7"], "there is no webhook #7"),
    ],
)
def test_bad_input_is_refused_with_what_to_do(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = run(runner, *args)
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


def test_the_same_url_twice_is_refused(runner: CliRunner) -> None:
    run(runner, "add", "https://hooks.example.com/x")
    result = run(runner, "add", "https://hooks.example.com/x")
    assert result.exit_code == 1
    assert "webhook #1 sends to this URL already" in " ".join(result.output.split())


def test_redeliver_without_failures_says_so(runner: CliRunner) -> None:
    run(runner, "add", "https://hooks.example.com/x")
    result = run(runner, "redeliver", "1")
    assert result.exit_code == 0 and "has no failed deliveries" in result.output
