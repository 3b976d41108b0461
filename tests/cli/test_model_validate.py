"""`sdrbot model validate` and `model apply` name the file and the line of each mistake."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

BROKEN = """\
[model]
name = "Broken"

[thresholds]
mql = "seventy"

[[fit]]
id = "company_size_50_200"
field = "company_size"
op = "between"
points = 25

[[engagement_rule]]
event = "page_view"
points = 1
"""


def test_validate_prints_the_file_and_each_line(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text(BROKEN, encoding="utf-8")
    result = cli.invoke(app, ["model", "validate", "broken.toml"], catch_exceptions=False)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "broken.toml has 3 problem(s):"
    assert lines[1:] == [
        "  - line 5, [thresholds], field 'mql': expected a number, got 'seventy'",
        "  - line 10, fit 'company_size_50_200' (#1), field 'op': unknown operator 'between'; "
        "use one of equals, not_equals, in, not_in, contains, regex, glob, range, is_set, "
        "is_empty",
        "  - line 13, engagement_rule #1, field 'id': every rule needs an id of lowercase "
        "letters, digits, '_' or '-', e.g. id = \"role_ceo\"; got None",
    ]


def test_apply_refuses_a_broken_file_with_its_lines(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text(BROKEN, encoding="utf-8")
    result = cli.invoke(app, ["model", "apply", "broken.toml"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "broken.toml has 3 problem(s)" in result.output
    assert "line 10, fit 'company_size_50_200' (#1), field 'op'" in result.output
