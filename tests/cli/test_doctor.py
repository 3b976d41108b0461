"""`sdrbot doctor` against the fake Slack: each problem is named with its fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.common import console, err_console
from tests.fakeslack import FakeSlack, running_fake_slack
from tests.slack.conftest import ALERTS, HANDOVER

DIGEST = "C0DIGEST01"


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    monkeypatch.chdir(tmp_path)
    for c in (console, err_console):
        monkeypatch.setattr(c, "width", 200)
    with running_fake_slack(
        channels={"sdr-alerts": ALERTS, "ae-handover": HANDOVER, "marketing": DIGEST}
    ) as fake:
        env = {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}",
            "SLACK_BOT_TOKEN": fake.token,
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": fake.base_url,
            "SDRBOT_ALERT_CHANNEL": ALERTS,
            "SDRBOT_HANDOVER_CHANNEL": HANDOVER,
            "SDRBOT_DIGEST_CHANNEL": DIGEST,
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        for name in ("SLACK_APP_TOKEN", "SDRBOT_CONFIG"):
            monkeypatch.delenv(name, raising=False)
        yield fake


def doctor() -> tuple[int, str]:
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["doctor"])
    return result.exit_code, result.output


def test_a_good_setup_passes_with_a_warning_about_open_roles(fake: FakeSlack) -> None:
    code, out = doctor()
    assert code == 0, out
    assert "✔ database" in out and "✔ Slack token: bot @sdrbot" in out and "✔ scopes" in out
    assert "✔ alert channel: #sdr-alerts" in out
    assert "! deciders: no [roles] configured: anyone" in out
    fake.assert_no_problems()


def test_missing_scopes_are_listed(fake: FakeSlack) -> None:
    fake.set_scopes(["chat:write", "commands"])
    code, out = doctor()
    assert code == 1 and "✖ scopes: missing: channels:history" in out and "reinstall" in out


def test_a_channel_without_the_bot_says_invite(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.add_channel("quiet", "C0QUIET001", is_member=False)
    fake.add_channel("old", "C0OLDOLD01", is_archived=True)
    monkeypatch.setenv("SDRBOT_ALERT_CHANNEL", "C0QUIET001")
    monkeypatch.setenv("SDRBOT_DIGEST_CHANNEL", "C0OLDOLD01")
    code, out = doctor()
    assert code == 1 and "/invite @sdrbot in #quiet" in out and "#old is archived" in out


def test_unknown_channels_and_names_are_reported(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDRBOT_ALERT_CHANNEL", "#sdr-alerts")
    monkeypatch.setenv("SDRBOT_HANDOVER_CHANNEL", "C0MISSING1")
    code, out = doctor()
    assert code == 1 and "! alert channel: #sdr-alerts is a name" in out
    assert "✖ handover channel: C0MISSING1: channel_not_found" in out


def test_a_bad_token_and_a_missing_token(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-wrong")
    code, out = doctor()
    assert code == 1 and "Slack refused it: invalid_auth" in out
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    code, out = doctor()
    assert code == 1 and "SLACK_BOT_TOKEN is not set" in out


def test_no_way_to_receive_slack_requests(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    code, out = doctor()
    assert code == 1 and "neither SLACK_SIGNING_SECRET" in out


def test_routing_channels_are_checked_too(fake: FakeSlack, tmp_path: Path) -> None:
    (tmp_path / "sdrbot.toml").write_text(
        '[[routing.rules]]\nchannel = "C0NOWHERE1"\ncountry = "DE"\n', encoding="utf-8"
    )
    code, out = doctor()
    assert code == 1 and "✖ routing rule 1 channel: C0NOWHERE1: channel_not_found" in out


def test_unreadable_decider_groups_fail(fake: FakeSlack, tmp_path: Path) -> None:
    (tmp_path / "sdrbot.toml").write_text(
        '[roles]\ndecider_groups = ["S0NOSUCH01"]\n', encoding="utf-8"
    )
    code, out = doctor()
    assert code == 1 and "user groups without readable members: S0NOSUCH01" in out


def test_an_unreachable_database(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'nope' / 'x.db'}")
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 1 and "✖ database: cannot open it" in result.output


def test_a_database_without_the_schema_is_a_warning(fake: FakeSlack) -> None:
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0
    assert "! database:" in result.output and "sdrbot db upgrade" in result.output


def test_failed_and_stuck_webhook_deliveries_are_named_with_the_fix(
    fake: FakeSlack, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from storage.db import make_engine, session_scope
    from storage.tables import OutboxMessage

    assert CliRunner().invoke(app, ["webhook", "add", "https://hooks.example.com/a"]).exit_code == 0
    code, out = doctor()
    assert code == 0 and "✔ webhooks: 1 active, nothing failed or stuck" in out
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    with session_scope(engine) as s:
        for i, status in enumerate(("failed", "pending")):
            s.add(
                OutboxMessage(
                    kind="webhook",
                    dedupe_key=f"webhook:1:tr_{i}",
                    status=status,
                    payload={"webhook_id": 1},
                    next_attempt_at=long_ago,
                    created_at=long_ago,
                    result={},
                )
            )
    engine.dispose()
    code, out = doctor()
    out = " ".join(out.split())
    assert code == 0  # the bot runs; the webhooks need a look
    assert (
        "! webhooks: webhook #1: 1 deliveries failed; fix the receiver, then `sdrbot "
        "webhook redeliver 1`" in out
    )
    assert "a delivery has waited since" in out and "`sdrbot webhook test 1`" in out


def test_messages_waiting_for_slack_are_counted_and_a_stale_backlog_explained(
    fake: FakeSlack, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from storage.db import make_engine, session_scope
    from storage.tables import OutboxMessage

    code, out = doctor()
    assert "Slack messages" not in out  # nothing queued, nothing to say
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    now = datetime.now(UTC)
    with session_scope(engine) as s:
        s.add(
            OutboxMessage(
                kind="slack.alert",
                dedupe_key="alert:1:1",
                status="pending",
                payload={"lead_id": 1},
                next_attempt_at=now,
                created_at=now,
                result={},
            )
        )
        s.add(
            OutboxMessage(
                kind="slack.alert",
                dedupe_key="alert:2:1",
                status="sent",
                payload={"lead_id": 2},
                next_attempt_at=now,
                created_at=now - timedelta(days=2),
                result={},
            )
        )
    code, out = doctor()
    assert code == 0 and "✔ Slack messages: 1 queued" in out
    with session_scope(engine) as s:
        for i in range(3, 63):
            s.add(
                OutboxMessage(
                    kind="slack.alert",
                    dedupe_key=f"alert:{i}:1",
                    status="pending",
                    payload={"lead_id": i},
                    next_attempt_at=now,
                    created_at=now - timedelta(hours=3),
                    result={},
                )
            )
    engine.dispose()
    code, out = doctor()
    out = " ".join(out.split())
    assert code == 0
    assert "! Slack messages: 61 wait to be posted, the oldest since" in out
    assert "about 1 min in one channel" in out and "delete sdrbot.db" in out


def test_the_sla_manager_channel_is_checked_like_the_others(
    fake: FakeSlack, tmp_path: Path
) -> None:
    code, out = doctor()
    assert code == 0 and "! SLA escalation ([sla] manager_channel) channel: #sdr-managers" in out
    fake.add_channel("managers", "C0MANAGER1", is_member=False)
    (tmp_path / "sdrbot.toml").write_text('[sla]\nmanager_channel = "C0MANAGER1"\n', "utf-8")
    code, out = doctor()
    assert code == 1, out
    assert "✖ SLA escalation ([sla] manager_channel) channel: the bot is not in #managers" in out
    assert "/invite @sdrbot in #managers" in out
