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
