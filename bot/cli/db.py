"""`sdrbot db`: the schema, and the retention of tables that grow without bound."""

from __future__ import annotations

import re
from datetime import timedelta

import typer
from rich.table import Table

from bot.cli.common import console, engine, fail, now
from bot.usecases.admin import retention
from storage.db import describe, session_scope
from storage.schema import current_revision, head_revision

_AGE = re.compile(r"^\s*(\d+)\s*([dh])\s*$", re.IGNORECASE)


def parse_age(text: str) -> timedelta:
    """`30d`, `12h`: a positive number of days or hours."""
    match = _AGE.match(text)
    if not match or int(match[1]) == 0:
        raise ValueError(
            f"--older-than takes a positive number of days or hours such as "
            f"30d, 7d or 12h, not {text!r}"
        )
    unit = "days" if match[2].lower() == "d" else "hours"
    return timedelta(**{unit: int(match[1])})


def _age(delta: timedelta) -> str:
    return f"{delta.days}d" if not delta.seconds else f"{int(delta.total_seconds() // 3600)}h"


# long: the subcommands are defined inside register(), each a few lines, as Typer's sub-apps are
def register(app: typer.Typer) -> None:
    db = typer.Typer(
        help="The database: its schema (Alembic migrations) and retention.", no_args_is_help=True
    )
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

    @db.command("prune")
    def prune_cmd(
        older_than: str | None = typer.Option(
            None,
            "--older-than",
            metavar="AGE",
            help="Delete what is older than AGE (e.g. 90d, 12h) in every table. Default: "
            f"{_age(retention.OUTBOX_AGE)} for sent messages, "
            f"{_age(retention.INGEST_AGE)} for delivery ids, "
            f"{_age(retention.REPLAYED_AGE)} after a rejected call's replay, "
            f"{_age(retention.REJECTED_AGE)} for one never replayed.",
        ),
        dry_run: bool = typer.Option(
            False, "--dry-run", help="Count what would be deleted; delete nothing."
        ),
    ) -> None:
        """Delete sent outbox messages, old ingest delivery ids and old rejected API calls
        (replayed, or never replayed for long), in batches.

        Pending and failed messages are kept, and so is the latest alert of each lead.
        """
        try:
            age = parse_age(older_than) if older_than is not None else None
        except ValueError as exc:
            raise fail(str(exc), 2) from exc
        with session_scope(engine()) as session:
            done = retention.prune(session=session, now=now(), older_than=age, dry_run=dry_run)
        table = Table(
            "table",
            "would delete" if dry_run else "deleted",
            "what",
            title="Dry run: nothing was deleted" if dry_run else None,
        )
        table.add_row(
            "outbox",
            f"{done.outbox:,}",
            f"sent messages and webhook deliveries, older than {_age(age or retention.OUTBOX_AGE)}",
        )
        table.add_row(
            "ingest_message",
            f"{done.ingest_message:,}",
            f"identify delivery ids, older than {_age(age or retention.INGEST_AGE)}",
        )
        table.add_row(
            "ingest_rejected",
            f"{done.ingest_rejected:,}",
            f"rejected API calls replayed more than {_age(age or retention.REPLAYED_AGE)} ago, "
            f"or received more than {_age(age or retention.REJECTED_AGE)} ago",
        )
        console.print(table)
        console.print(
            "Kept at any age: pending and failed messages, the latest alert of "
            f"each lead, and the {retention.KEEP_NEWEST_SENT} newest sent messages."
        )
