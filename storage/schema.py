"""Alembic, driven from code: `sdrbot db upgrade` and every command that needs the schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and current_revision(engine) == head_revision(engine):
        return
    command.upgrade(alembic_config(engine), revision)


def include_object(dialect: str) -> Callable[..., bool]:
    """Alembic's `include_object` for a database of `dialect`: a table's index or constraint
    meant for another database (`.ddl_if(dialect=...)`) is no difference there."""

    def include(
        obj: Any, _name: str | None, _type: str, _reflected: bool, _compare_to: Any
    ) -> bool:
        rule = getattr(obj, "_ddl_if", None)
        wanted = getattr(rule, "dialect", None)
        return wanted is None or wanted == dialect

    return include
