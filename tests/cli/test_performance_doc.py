"""docs/performance.md describes every benchmark in bench/ with every option it takes, and the
README points to it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "performance.md"
# a leading underscore marks a benchmark's helper module, not a benchmark
BENCHMARKS = sorted(p for p in ROOT.glob("bench/*.py") if not p.name.startswith("_"))


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda p: p.name)
def test_every_benchmark_and_its_options_are_described(script: Path) -> None:
    doc = DOC.read_text(encoding="utf-8")
    name = f"bench/{script.name}"
    assert f"### `{name}`" in doc, f"{name} has no section in docs/performance.md"
    section = doc.split(f"### `{name}`", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    options = re.findall(r'add_argument\(\s*"(--[a-z-]+)"', script.read_text(encoding="utf-8"))
    assert options, f"{name} takes no options? the pattern above no longer finds them"
    missing = [option for option in options if f"`{option}" not in section]
    assert not missing, f"{name}'s section does not describe {missing}"


def test_the_readme_links_the_performance_doc() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    performance = readme.split("## Performance", 1)[1].split("\n## ", 1)[0]
    assert "(docs/performance.md)" in performance
