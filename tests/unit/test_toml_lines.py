"""The locator behind the line numbers of model mistakes: which line holds a table or a key."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from scoring.loader import default_model_text
from scoring.toml_lines import TomlLines, TomlPath


def line_of(text: str, line: str, nth: int = 1) -> int:
    """The number of the nth line of `text` that reads `line` (surrounding blanks ignored)."""
    numbers = [n for n, got in enumerate(text.split("\n"), 1) if got.strip() == line]
    assert len(numbers) >= nth, f"{line!r} is not in the text {nth} time(s)"
    return numbers[nth - 1]


# Every awkward part at once; the traps are lines inside strings and arrays that look like keys
# or headers and come *before* the real key, so a locator that reads them answers wrongly.
TRICKY = '''\
# A model with the awkward parts of TOML
[model]
name = "Tricky [[fit]] model"      # a header in a string is no header

[thresholds]
mql=70
"min_fit"   =   20
'nurture_min' = 30 # quoted keys, no blanks around '=' or many

[grades]
fit = { A = 60, B = 40, C = 20 }
engagement = { "1" = 60, "2" = 40, "3" = 20 }

[fast_track]
events = [
  "demo_request",
  # hold_days = 99 (a comment in an array)
  "pricing_request",
]
hold_days = 14

[[fit]]
id = "notes"
label = """
op = "equals"
[[fit]]
points = 99 \\"""
"""
field = "title"
op = "regex"
value = \'\'\'
points = 1\'\'\'
points = 30

  [[ fit ]]   # indented, spaced, with a comment
  id = "second"
  field.name = "title"
  points = 5

[[engagement_rule]]
id = "pricing"
where = { url = "/pricing*" }
points = 10

[[engagement_rule]]
id = "filters"
event = "page_view"
points = 5

[engagement_rule.where]
url = { op = "glob", value = "/x*" }
"utm.source" = "ads"

[[engagement_rule]]
id = "listed"
where = [
  { field = "url", op = "glob", value = "/a*" },
  { field = "form", op = "in", values = ["x]", "y"] },
]
points = 1

[[engagement_rule]]
id = "arrays"

[[engagement_rule.where]]
field = "url"

[[engagement_rule.where]]
field = "form"
op = "in"
'''


def at(text: str, *path: str | int) -> int | None:
    return TomlLines(text).line(path)


def test_tricky_text_is_valid_toml() -> None:
    assert tomllib.loads(TRICKY)["fit"][0]["points"] == 30


@pytest.mark.parametrize(
    "path,line,nth",
    [
        (("model",), "[model]", 1),
        (
            ("model", "name"),
            'name = "Tricky [[fit]] model"      # a header in a string is no header',
            1,
        ),
        (("thresholds", "mql"), "mql=70", 1),
        (("thresholds", "min_fit"), '"min_fit"   =   20', 1),
        (
            ("thresholds", "nurture_min"),
            "'nurture_min' = 30 # quoted keys, no blanks around '=' or many",
            1,
        ),
        (("grades", "fit"), "fit = { A = 60, B = 40, C = 20 }", 1),
        (("grades", "engagement", "1"), 'engagement = { "1" = 60, "2" = 40, "3" = 20 }', 1),
        (("fast_track", "hold_days"), "hold_days = 14", 1),
        (("fit",), "[[fit]]", 1),
        (("fit", 1), "[[fit]]", 1),
        (("fit", 1, "op"), 'op = "regex"', 1),
        (("fit", 1, "value"), "value = '''", 1),
        (("fit", 1, "points"), "points = 30", 1),
        (("fit", 2), "[[ fit ]]   # indented, spaced, with a comment", 1),
        (("fit", 2, "id"), 'id = "second"', 1),
        (("fit", 2, "field"), 'field.name = "title"', 1),
        (("fit", 2, "field", "name"), 'field.name = "title"', 1),
        (("fit", 2, "points"), "points = 5", 1),
        (("engagement_rule", 1, "where"), 'where = { url = "/pricing*" }', 1),
        (("engagement_rule", 1, "where", "url", "op"), 'where = { url = "/pricing*" }', 1),
        (("engagement_rule", 2, "points"), "points = 5", 2),
        (("engagement_rule", 2, "where"), "[engagement_rule.where]", 1),
        (("engagement_rule", 2, "where", "url"), 'url = { op = "glob", value = "/x*" }', 1),
        (("engagement_rule", 2, "where", "url", "op"), 'url = { op = "glob", value = "/x*" }', 1),
        (("engagement_rule", 2, "where", "utm.source"), '"utm.source" = "ads"', 1),
        (("engagement_rule", 3, "where"), "where = [", 1),
        (("engagement_rule", 3, "where", 2, "op"), "where = [", 1),
        (("engagement_rule", 3, "points"), "points = 1", 1),
        (("engagement_rule", 4, "where"), "[[engagement_rule.where]]", 1),
        (("engagement_rule", 4, "where", 2), "[[engagement_rule.where]]", 2),
        (("engagement_rule", 4, "where", 2, "op"), 'op = "in"', 1),
        (("engagement_rule", 4, "where", 1, "op"), "[[engagement_rule.where]]", 1),
    ],
)
def test_locates_keys_and_tables(path: TomlPath, line: str, nth: int) -> None:
    assert at(TRICKY, *path) == line_of(TRICKY, line, nth)


def test_a_key_that_is_not_written_gives_its_table() -> None:
    assert at(TRICKY, "fit", 2, "op") == line_of(
        TRICKY, "[[ fit ]]   # indented, spaced, with a comment"
    )
    assert at(TRICKY, "engagement_rule", 2, "cap") == line_of(TRICKY, "[[engagement_rule]]", 2)
    assert at(TRICKY, "thresholds", "min_engagement") == line_of(TRICKY, "[thresholds]")


def test_unknown_places_have_no_line() -> None:
    assert at(TRICKY) is None
    assert at(TRICKY, "engagement") is None
    assert at(TRICKY, "scoring", "mql") is None


def test_top_level_keys_and_tables_written_inline() -> None:
    text = 'threshold = 70\nthresholds = { mql = "x" }\n\n[[fit]]\nid = "a"\n'
    assert at(text, "threshold") == 1
    assert at(text, "thresholds", "mql") == 2
    assert at(text, "fit", 1, "id") == 5


def test_a_subtable_before_its_parent_table() -> None:
    text = "[a.b]\nx = 1\n\n[a]\ny = 2\n"
    assert (at(text, "a", "b", "x"), at(text, "a"), at(text, "a", "y")) == (2, 4, 5)


def test_windows_line_ends_count_like_tomllib() -> None:
    text = '[model]\r\nname = "x"\r\n\r\n[thresholds]\r\nmql = 70\r\n'
    assert (at(text, "model", "name"), at(text, "thresholds", "mql")) == (2, 5)


def test_a_multi_line_string_that_ends_in_quotes() -> None:
    text = "[[fit]]\nlabel = '''a\nop = 1'''''\nop = \"in\"\n"
    assert tomllib.loads(text)["fit"][0]["label"] == "a\nop = 1''"
    assert at(text, "fit", 1, "op") == 4


def _located_keys(lines: TomlLines, path: TomlPath, table: dict[str, Any]) -> set[str]:
    return {k for k in table if lines.line((*path, k)) != lines.line(path)}


@pytest.mark.parametrize("text", [default_model_text(), TRICKY], ids=["default", "tricky"])
def test_every_key_of_every_rule_is_on_its_own_line(text: str) -> None:
    """Against tomllib: each key of each rule is found, on a line that starts with that key."""
    data, lines, rows = tomllib.loads(text), TomlLines(text), text.split("\n")
    for kind in ("fit", "engagement_rule"):
        for index, rule in enumerate(data.get(kind, []), 1):
            header = lines.line((kind, index))
            assert header is not None and rows[header - 1].strip().startswith("[[")
            assert _located_keys(lines, (kind, index), rule) == set(rule)
            for key in rule:
                line = lines.line((kind, index, key))
                assert line is not None
                written = rows[line - 1].strip()
                assert written.lstrip("\"'").startswith(key) or written.startswith("["), (
                    kind,
                    index,
                    key,
                    written,
                )
