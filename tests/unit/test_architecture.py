"""The three rooms and one direction of docs/architecture.md, checked on the code itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_packages(package: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                found.add((str(path.relative_to(ROOT)), name.split(".")[0]))
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"), [("scoring", {"bot", "storage"}), ("storage", {"bot"})]
)
def test_dependencies_point_one_way(package: str, forbidden: set[str]) -> None:
    wrong = sorted(
        f"{where} imports {name}" for where, name in imported_packages(package) if name in forbidden
    )
    assert not wrong, wrong


def imported_modules(folder: str) -> set[tuple[str, str]]:
    """(file, module) for every absolute import under `folder`, module names in full."""
    found = set()
    for path in (ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update((str(path.relative_to(ROOT)), a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add((str(path.relative_to(ROOT)), node.module))
                found.update(
                    (str(path.relative_to(ROOT)), f"{node.module}.{a.name}") for a in node.names
                )
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        # use cases are called by the doors and never call one back
        ("bot/usecases", ("bot.slack", "bot.http", "bot.cli")),
        # the longer texts are rendered from data alone; settings are read before any door
        ("bot/texts.py", ("bot.slack", "bot.http", "bot.cli")),
        ("bot/settings.py", ("bot.texts", "bot.slack", "bot.http", "bot.cli")),
    ],
)
def test_inner_rooms_import_no_door(folder: str, forbidden: tuple[str, ...]) -> None:
    path = ROOT / folder
    files = (
        imported_modules(folder)
        if path.is_dir()
        else {
            (where, name)
            for where, name in imported_modules(str(path.parent.relative_to(ROOT)))
            if where == folder
        }
    )
    wrong = sorted(
        f"{where} imports {name}"
        for where, name in files
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )
    assert not wrong, wrong


def test_listeners_reach_the_database_only_through_use_cases() -> None:
    """Slack listeners translate a payload into a use-case call and its result into an answer;
    sessions, tables and repositories are the use cases' business."""
    wrong = sorted(
        f"{where} imports {name}"
        for where, name in imported_modules("bot/slack/listeners")
        if name == "storage" or name.startswith("storage.")
    )
    assert not wrong, wrong


# what bot/ may take from the database libraries: engine and session types and their errors
SQL_FREE = ("sqlalchemy.engine", "sqlalchemy.exc", "sqlmodel.Session")


def test_bot_writes_no_sql_of_its_own() -> None:
    """Statements, table handles and the drivers' fast paths live in storage/; bot/ calls
    repositories."""
    wrong = sorted(
        f"{where} imports {name}"
        for where, name in imported_modules("bot")
        if (
            name.startswith(("sqlalchemy.", "sqlmodel."))
            and not name.startswith(SQL_FREE)
            and "." in name
            # `from sqlalchemy.engine import Engine` lists the module and the name; `from
            # sqlalchemy import select` lists `sqlalchemy` (allowed alone) and `sqlalchemy.select`
        )
        or name.startswith(("storage.tables.handles", "storage.fastwrite"))
        or name in ("storage.tables.handles", "storage.fastwrite")
    )
    assert not wrong, wrong


def test_the_slack_transport_takes_every_slack_kind_and_no_other() -> None:
    from bot.outbox.messages import KINDS, SLACK_KINDS
    from bot.slack.transport import SLACK_KINDS_LIKE

    prefix = SLACK_KINDS_LIKE.removesuffix("%")
    assert SLACK_KINDS
    assert {k for k in KINDS if k.startswith(prefix)} == set(SLACK_KINDS)
