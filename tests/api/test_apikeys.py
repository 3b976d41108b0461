"""API keys: created once, stored as a hash, listed, revoked, verified (use case and CLI)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from bot.usecases.admin import api_keys as apikeys
from storage.db import session_scope
from storage.tables import ApiKey
from tests.conftest import NOW


def test_create_stores_only_the_hash_and_verify_finds_the_key(engine: Engine) -> None:
    with session_scope(engine) as s:
        key = apikeys.create(s, "segment", now=NOW, actor="cli:test")
    assert key.secret.startswith("sdr_") and len(key.secret) > 40
    assert key.secret not in repr(key)
    with session_scope(engine) as s:
        row = s.exec(select(ApiKey)).one()
        assert row.hash == apikeys.digest(key.secret) and key.secret not in repr(row)
        assert row.hash not in repr(row)
        assert row.prefix == key.secret[:10] and row.last_used_at is None
        assert apikeys.verify(s, key.secret, now=NOW) == "segment"
        assert apikeys.verify(s, key.secret + "x", now=NOW) is None
        assert apikeys.verify(s, "Bearer nonsense", now=NOW) is None
    with session_scope(engine) as s:
        assert s.exec(select(ApiKey)).one().last_used_at == NOW


def test_duplicate_name_bad_name_unknown_and_repeated_revoke_are_errors(engine: Engine) -> None:
    with session_scope(engine) as s:
        key = apikeys.create(s, "web", now=NOW, actor="t")
    with (
        session_scope(engine) as s,
        pytest.raises(
            apikeys.ApiKeyError,
            match=r"'web' is active; revoke it first \(`sdrbot apikey "
            r"revoke web`\) or choose another name",
        ),
    ):
        apikeys.create(s, "web", now=NOW, actor="t")
    with session_scope(engine) as s, pytest.raises(apikeys.ApiKeyError, match="not a valid"):
        apikeys.create(s, "bad name!", now=NOW, actor="t")
    with (
        session_scope(engine) as s,
        pytest.raises(apikeys.ApiKeyError, match=r"no key is named 'nope'.*web"),
    ):
        apikeys.revoke(s, "nope", now=NOW)
    later = NOW + timedelta(hours=1)
    with session_scope(engine) as s:
        apikeys.revoke(s, "web", now=later)
    with session_scope(engine) as s, pytest.raises(apikeys.ApiKeyError, match="revoked already"):
        apikeys.revoke(s, "web", now=later)
    with session_scope(engine) as s:
        assert apikeys.verify(s, key.secret, now=later) is None


def test_cli_create_list_revoke(cli: CliRunner) -> None:
    res = cli.invoke(app, ["apikey", "create", "segment-prod"])
    assert res.exit_code == 0, res.output
    secret = res.output.strip().splitlines()[-1]
    assert secret.startswith("sdr_")
    res = cli.invoke(app, ["apikey", "list"])
    assert res.exit_code == 0 and "segment-prod" in res.output and "active" in res.output
    assert secret not in res.output and secret[:10] in res.output
    res = cli.invoke(app, ["apikey", "create", "segment-prod"])
    assert res.exit_code == 1 and "'segment-prod' is active; revoke it first" in res.output
    res = cli.invoke(app, ["apikey", "revoke", "other"])
    assert res.exit_code == 1 and "no key is named 'other'" in res.output
    assert cli.invoke(app, ["apikey", "revoke", "segment-prod"]).exit_code == 0
    assert "revoked 2026-06-01" in cli.invoke(app, ["apikey", "list"]).output


def test_cli_list_without_keys(cli: CliRunner) -> None:
    res = cli.invoke(app, ["apikey", "list"])
    assert res.exit_code == 0 and "No API keys yet" in res.output


def test_a_revoked_keys_name_can_be_used_again(engine: Engine) -> None:
    """Rotation under one name: the revoked key keeps its history under a name of its own."""
    with session_scope(engine) as s:
        first = apikeys.create(s, "temp", now=NOW, actor="t")
    with session_scope(engine) as s:
        apikeys.revoke(s, "temp", now=NOW)
    with session_scope(engine) as s:
        second = apikeys.create(s, "temp", now=NOW + timedelta(days=1), actor="t")
    assert second.renamed == "temp (revoked 2026-06-01 #1)" and first.renamed is None
    with session_scope(engine) as s:
        assert [(k.name, k.revoked_at) for k in apikeys.list_keys(s)] == [
            ("temp", None),
            ("temp (revoked 2026-06-01 #1)", NOW),
        ]
        assert apikeys.verify(s, first.secret, now=NOW) is None
        assert apikeys.verify(s, second.secret, now=NOW) == "temp"
    with session_scope(engine) as s, pytest.raises(apikeys.ApiKeyError, match="is active"):
        apikeys.create(s, "temp", now=NOW, actor="t")


def test_a_long_name_is_shortened_to_fit_when_its_key_is_replaced(engine: Engine) -> None:
    name = "k" * 100
    for _ in range(3):
        with session_scope(engine) as s:
            apikeys.create(s, name, now=NOW, actor="t")
        with session_scope(engine) as s:
            apikeys.revoke(s, name, now=NOW)
    with session_scope(engine) as s:
        names = [k.name for k in apikeys.list_keys(s)]
    assert name in names and len(set(names)) == 3 and all(len(n) <= 100 for n in names)
    assert {n[-24:] for n in names if n != name} == {
        " (revoked 2026-06-01 #1)",
        " (revoked 2026-06-01 #2)",
    }


def test_cli_rotation_under_one_name(cli: CliRunner) -> None:
    assert cli.invoke(app, ["apikey", "create", "temp"]).exit_code == 0
    assert cli.invoke(app, ["apikey", "revoke", "temp"]).exit_code == 0
    res = cli.invoke(app, ["apikey", "revoke", "temp"])
    assert res.exit_code == 1 and "'temp' was revoked already on 2026-06-01" in res.output
    assert "sdrbot apikey create temp" in res.output
    res = cli.invoke(app, ["apikey", "create", "temp"])
    assert res.exit_code == 0, res.output
    assert "listed as 'temp (revoked 2026-06-01 #1)'" in res.output
    assert res.output.strip().splitlines()[-1].startswith("sdr_")
    listed = cli.invoke(app, ["apikey", "list"]).output
    assert "temp (revoked 2026-06-01 #1)" in listed and "revoked 2026-06-01" in listed
    assert "active" in listed
    res = cli.invoke(app, ["apikey", "create", "temp"])
    assert res.exit_code == 1
    assert (
        "a key named 'temp' is active; revoke it first (`sdrbot apikey revoke temp`) or "
        "choose another name" in " ".join(res.output.split())
    )
    res = cli.invoke(app, ["apikey", "revoke", "gone"])
    assert res.exit_code == 1
    assert "no key is named 'gone'; the active keys are: temp" in res.output
