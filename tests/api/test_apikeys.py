"""API keys: created once, stored as a hash, listed, revoked, verified (use case and CLI)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from bot.usecases import apikeys
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
    with session_scope(engine) as s, pytest.raises(apikeys.ApiKeyError, match="exists already"):
        apikeys.create(s, "web", now=NOW, actor="t")
    with session_scope(engine) as s, pytest.raises(apikeys.ApiKeyError, match="not a valid"):
        apikeys.create(s, "bad name!", now=NOW, actor="t")
    with session_scope(engine) as s, pytest.raises(apikeys.ApiKeyError,
                                                   match=r"no key is named 'nope'.*web"):
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
    assert res.exit_code == 1 and "exists already" in res.output
    res = cli.invoke(app, ["apikey", "revoke", "other"])
    assert res.exit_code == 1 and "no key is named 'other'" in res.output
    assert cli.invoke(app, ["apikey", "revoke", "segment-prod"]).exit_code == 0
    assert "revoked 2026-06-01" in cli.invoke(app, ["apikey", "list"]).output


def test_cli_list_without_keys(cli: CliRunner) -> None:
    res = cli.invoke(app, ["apikey", "list"])
    assert res.exit_code == 0 and "No API keys yet" in res.output
