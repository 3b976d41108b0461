"""Settings: secrets from the environment, behaviour from TOML, helpful errors, no leaks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.settings import DISQUALIFY_REASONS, Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def load(tmp_path: Path, toml: str | None = None, **env: str) -> Settings:
    if toml is not None:
        (tmp_path / "c.toml").write_text(toml, encoding="utf-8")
        env.setdefault("SDRBOT_CONFIG", str(tmp_path / "c.toml"))
    return Settings.load(env_file=None, environ=env)


def test_defaults_without_file_or_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    s = load(tmp_path)
    assert s.database_url == "sqlite:///sdrbot.db" and s.config_path is None
    assert s.alert_channel == "#sdr-alerts" and s.disqualify_reasons == DISQUALIFY_REASONS
    assert not s.slack_bot_token and s.deciders == () and s.decider_groups == ()


def test_the_example_file_loads(tmp_path: Path) -> None:
    shutil.copy(ROOT / "sdrbot.example.toml", tmp_path / "sdrbot.toml")
    s = load(tmp_path, SDRBOT_CONFIG=str(tmp_path / "sdrbot.toml"))
    assert s.timezone == "Europe/Berlin" and s.handover_channel == "#ae-handover"
    assert "Competitor" in s.disqualify_reasons and s.sla_working_hours == 4
    assert (s.outbox_lease_seconds, s.outbox_pace_seconds) == (60, 1)


def test_environment_channels_win_over_the_file(tmp_path: Path) -> None:
    s = load(
        tmp_path,
        '[slack]\nalert_channel = "#from-file"\ndigest_channel = "#mkt"\n',
        SDRBOT_ALERT_CHANNEL="C0ALERTS01",
        SLACK_API_URL="http://127.0.0.1:9/api/",
    )
    assert (s.alert_channel, s.digest_channel) == ("C0ALERTS01", "#mkt")
    assert s.slack_api_url == "http://127.0.0.1:9/api/"


def test_roles_name_users_and_groups(tmp_path: Path) -> None:
    s = load(tmp_path, '[roles]\ndeciders = ["U1"]\ndecider_groups = ["S9"]\n')
    assert (s.deciders, s.decider_groups) == (("U1",), ("S9",))


def test_secrets_never_show_in_repr_or_str(tmp_path: Path) -> None:
    s = load(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-very-secret",
        SLACK_SIGNING_SECRET="sign-secret",
        SLACK_APP_TOKEN="xapp-secret",
    )
    assert s.slack_bot_token.value == "xoxb-very-secret"
    shown = repr(s) + str(s) + f"{s.slack_app_token}"
    for value in ("xoxb-very-secret", "sign-secret", "xapp-secret"):
        assert value not in shown


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[slack\n", "not valid TOML"),
        ("[slak]\n", r"unknown section \[slak\]"),
        ("[slack]\nalert_chanel = 'x'\n", "unknown key slack.alert_chanel"),
        ("[roles]\ndeciders = 'U1'\n", "roles.deciders must be a list"),
        ("[decisions]\nrecycle_reasons = ['ok', '']\n", r"recycle_reasons\[1\] must be"),
        ("[sla]\nworking_hours = -1\n", "positive number"),
        ("[outbox]\nlease_seconds = 0\n", "outbox.lease_seconds must be a positive number"),
        ("[outbox]\npace_seconds = -1\n", "outbox.pace_seconds must be a number, 0 or more"),
        ("slack = 1\n", r"\[slack\] must be a table"),
        ("[general]\nlocale = 'fr'\n", "general.locale must be one of en, de, not 'fr'"),
    ],
)
def test_mistakes_in_the_file_are_named(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load(tmp_path, toml)


def test_a_missing_explicit_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        load(tmp_path, SDRBOT_CONFIG=str(tmp_path / "nope.toml"))


ROUTED = """
[slack]
alert_channel = "C0ALERTS01"

[[routing.rules]]
channel = "C0DACH0001"
country = ["DE", "AT", "CH"]

[assignment]
enabled = true
out_of_office = ["U0BEN"]

[[assignment.reps]]
user = "U0ANNA"
weight = 2

[[assignment.reps]]
user = "U0BEN"
"""


def test_routing_and_assignment_from_the_file(tmp_path: Path) -> None:
    routing = load(tmp_path, ROUTED).routing()
    assert routing.default_channel == "C0ALERTS01" and routing.assign
    assert routing.channel_for({"country": "ch"}) == "C0DACH0001"
    assert [r.user for r in routing.reps] == ["U0ANNA", "U0BEN"]
    assert routing.out_of_office == {"U0BEN"}


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[routing]\nrules = 'x'\n", r"c.toml: routing.rules must be a list"),
        ("[assignment]\nenabled = true\n", "needs at least one"),
        ("[assignment]\nenabled = 'yes'\n", "must be true or false"),
    ],
)
def test_routing_mistakes_are_named(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load(tmp_path, toml)
