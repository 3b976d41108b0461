"""`sdrbot db`: the schema."""

from __future__ import annotations

import typer

from bot.cli.common import console, engine
from storage.db import describe
from storage.schema import current_revision, head_revision


def register(app: typer.Typer) -> None:
    db = typer.Typer(help="The database schema (Alembic migrations).", no_args_is_help=True)
    app.add_typer(db, name="db")

    @db.command("upgrade")
    def upgrade_cmd() -> None:
        """Create or migrate the schema to the newest version."""
        eng = engine(migrate=True)
        console.print(f"Database {describe(eng)} is at revision {current_revision(eng)} (newest).")

    @db.command("current")
    def current_cmd() -> None:
        """Show the schema revision of the database."""
        eng = engine(migrate=False)
        cur, head = current_revision(eng), head_revision(eng)
        state = "up to date" if cur == head else f"behind; run `sdrbot db upgrade` to reach {head}"
        console.print(f"Database {describe(eng)}: revision {cur or 'none'} ({state}).")
