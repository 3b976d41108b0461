"""What every command shares: the console, the clock, the database, and friendly failures."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.expiry_settings import expiry_of
from bot.settings import Settings, SettingsError
from storage.db import DatabaseURLError, describe, make_engine
from storage.schema import upgrade

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class _State:
    database_url: str | None = None
    clock: Callable[[], datetime] = staticmethod(lambda: datetime.now(UTC))


state = _State()


def now() -> datetime:
    return state.clock()


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli"


def fail(message: str, code: int = 1) -> typer.Exit:
    # messages quote files and config ("[roles]", "/tmp/x]"): shown as written, not as markup
    err_console.print(f"[bold red]Error:[/] {escape(message)}")
    return typer.Exit(code)


def rescore_options() -> dict[str, Any]:
    """What the config says a rescore expires by (`[expiry]`) and writes its notes in; for the
    commands that rescore (a bad value exits 2)."""
    try:
        settings = Settings.load()
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc
    return {"expiry": expiry_of(settings), "locale": settings.locale}


def engine(migrate: bool = True) -> Engine:
    """The configured database, its schema brought up to date."""
    try:
        url = state.database_url or Settings.load().database_url
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc
    try:
        eng = make_engine(url)
        if migrate:
            upgrade(eng)
    except DatabaseURLError as exc:
        raise fail(str(exc), 2) from exc
    except OperationalError as exc:
        raise fail(
            f"cannot open the database {describe(make_engine(url))}: "
            f"{str(exc.orig).strip()}. Check DATABASE_URL and that the server runs.",
            2,
        ) from exc
    return eng


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    columns: list[Any] = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err_console, transient=False) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


def points(value: float) -> str:
    text = f"{value:+.1f}".rstrip("0").rstrip(".")
    return text if text not in ("+0", "-0") else "0"
