"""`sdrbot apikey create NAME | list | revoke NAME`: keys for the ingest API."""

from __future__ import annotations

import typer
from rich.table import Table

from bot.cli.common import actor, console, engine, fail, now
from bot.usecases.admin import api_keys
from storage.db import session_scope


def register(app: typer.Typer) -> None:
    keys = typer.Typer(help="API keys for the HTTP ingest API.", no_args_is_help=True)
    app.add_typer(keys, name="apikey")

    @keys.command("create")
    def create_cmd(
        name: str = typer.Argument(..., help="A name to tell the key by, e.g. segment-prod."),
    ) -> None:
        """Create a key. The key is shown once: only its hash is stored."""
        try:
            with session_scope(engine()) as session:
                key = api_keys.create(session, name, now=now(), actor=actor())
        except api_keys.ApiKeyError as exc:
            raise fail(str(exc)) from exc
        if key.renamed:
            console.print(
                f"The revoked key of that name is listed as {key.renamed!r} now.", markup=False
            )
        console.print(f"Created API key {key.name!r}. Copy it now, it is not shown again:")
        # print on its own line, without markup, so it can be copied or captured by a script
        console.print(key.secret, markup=False, soft_wrap=True)

    @keys.command("list")
    def list_cmd() -> None:
        """List the keys (names and prefixes; the keys themselves are not stored)."""
        with session_scope(engine()) as session:
            rows = api_keys.list_keys(session)
        if not rows:
            console.print("No API keys yet; create one with `sdrbot apikey create NAME`.")
            return
        table = Table("name", "prefix", "created", "by", "last used", "status")
        for k in rows:
            table.add_row(
                k.name,
                k.prefix + "…",
                f"{k.created_at:%Y-%m-%d %H:%M}",
                k.created_by,
                f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never",
                f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active",
            )
        console.print(table)

    @keys.command("revoke")
    def revoke_cmd(name: str = typer.Argument(..., help="The key's name.")) -> None:
        """Revoke a key: requests with it get 401 from now on."""
        try:
            with session_scope(engine()) as session:
                api_keys.revoke(session, name, now=now())
        except api_keys.ApiKeyError as exc:
            raise fail(str(exc)) from exc
        console.print(f"Revoked API key {name!r}.")
