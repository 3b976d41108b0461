"""The house habits on sizes: no module over 300 lines and no function over 60 lines, unless a
comment beside it says why (`# long module: <reason>` near the top of the module, `# long:
<reason>` on the function's `def` line or in the comment lines just above it)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "scoring", "storage")
SKIPPED = (ROOT / "storage" / "migrations",)
MODULE_LINES = 300
FUNCTION_LINES = 60
# how far down a module's reason may stand: below the docstring, beside the imports
MODULE_REASON_WITHIN = 40


def _has_reason(line: str, tag: str) -> bool:
    """A comment `# <tag>: <reason>` in the line, with a reason after the colon."""
    at = line.find(f"# {tag}:")
    return at >= 0 and bool(line[at + len(tag) + 3 :].strip())


def _function_reason(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if _has_reason(lines[node.lineno - 1], "long"):
        return True
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    # the comment block just above the function, its decorators included
    above = start - 2
    while above >= 0 and lines[above].strip().startswith("#"):
        if _has_reason(lines[above], "long"):
            return True
        above -= 1
    return any(_has_reason(lines[i - 1], "long") for i in range(start, node.lineno))


def offenders(path: Path, source: str) -> list[str]:
    """Every size rule `source` breaks without its reason, as `path:line what (lines)`."""
    lines = source.splitlines()
    found = []
    if len(lines) > MODULE_LINES and not any(
        _has_reason(line, "long module") for line in lines[:MODULE_REASON_WITHIN]
    ):
        found.append(f"{path}:1 module ({len(lines)} lines)")
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        length = (node.end_lineno or node.lineno) - start + 1
        if length > FUNCTION_LINES and not _function_reason(lines, node):
            found.append(f"{path}:{node.lineno} {node.name} ({length} lines)")
    return found


def modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if not any(path.is_relative_to(skipped) for skipped in SKIPPED)
    )


def test_no_long_module_or_function_without_its_reason() -> None:
    found = [
        line
        for path in modules()
        for line in offenders(path.relative_to(ROOT), path.read_text(encoding="utf-8"))
    ]
    assert not found, "too long, and no reason beside it:\n" + "\n".join(found)


def _function(body_lines: int, above: str = "", def_comment: str = "") -> str:
    body = "".join(f"    x = {i}\n" for i in range(body_lines - 1))
    return f"{above}def f():{def_comment}\n{body}"


def test_a_function_of_61_lines_needs_a_reason_and_one_of_60_does_not() -> None:
    assert offenders(Path("m.py"), _function(60)) == []
    assert offenders(Path("m.py"), _function(61)) == ["m.py:1 f (61 lines)"]


def test_the_reason_may_stand_on_the_def_line_or_in_the_comments_above() -> None:
    assert offenders(Path("m.py"), _function(61, def_comment="  # long: one match")) == []
    above = "# long: a parser's one big match,\n# whose arms read best together\n"
    assert offenders(Path("m.py"), _function(61, above=above)) == []
    decorated = "# long: one table\n@staticmethod\n@other\n"
    assert offenders(Path("m.py"), _function(59, above=decorated)) == []


def test_decorators_count_and_a_reason_needs_words_and_its_place() -> None:
    assert offenders(Path("m.py"), _function(59, above="@a\n@b\n")) == ["m.py:3 f (61 lines)"]
    assert offenders(Path("m.py"), _function(61, above="# long:\n")) == ["m.py:2 f (61 lines)"]
    apart = "# long: too far away\n\n"
    assert offenders(Path("m.py"), _function(61, above=apart)) == ["m.py:3 f (61 lines)"]


def test_a_long_module_needs_its_reason_near_the_top() -> None:
    source = "x = 1\n" * 301
    assert offenders(Path("m.py"), source) == ["m.py:1 module (301 lines)"]
    assert offenders(Path("m.py"), "# long module: vocabulary data\n" + source) == []
    assert offenders(Path("m.py"), source + "# long module: hidden at the end\n") == [
        "m.py:1 module (302 lines)"
    ]
