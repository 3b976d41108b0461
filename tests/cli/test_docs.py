"""The README's command table names only commands that exist, and every command is in it."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from bot.cli import app

README = Path(__file__).resolve().parents[2] / "README.md"


def documented() -> set[str]:
    table = [
        line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `sdrbot ")
    ]
    names = set()
    for line in table:
        cell = line.split("|")[1]
        names.update(re.findall(r"`sdrbot ([a-z]+)", cell))
    return names


def test_every_command_is_documented_and_every_documented_command_exists() -> None:
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    assert documented() - commands == set(), "the README names commands that do not exist"
    assert commands - documented() == set(), "commands missing from the README's table"
