"""`sdrbot model validate` and `model apply` name the file and the line of each mistake."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from tests.factories import ceo_and_webinar_rules

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


LABELS = ceo_and_webinar_rules(
    'labels = { de = "Geschäftsführung", fr = "PDG" }', "labels = { de = 1 }"
)


def test_validate_names_a_label_of_an_unknown_language_or_no_text(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "labels.toml").write_text(LABELS, encoding="utf-8")
    result = cli.invoke(app, ["model", "validate", "labels.toml"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "labels.toml has 2 problem(s):",
        "  - line 4, fit 'ceo' (#1), field 'labels.fr': unknown language; labels may be given "
        "in: de (English is the rule's `label`)",
        "  - line 13, engagement_rule 'webinar' (#1), field 'labels.de': expected a non-empty "
        "text, got 1",
    ]
