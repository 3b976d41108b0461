"""Each mistake in a model file names its line, besides its rule and field."""

from __future__ import annotations

import pytest

from scoring.loader import default_model_text, load_model
from scoring.model import Issue, ModelError
from tests.unit.test_toml_lines import line_of

BROKEN = '''\
# every mistake here is on purpose; the tests find their lines by the text
[model]
name = "Broken on purpose"

[thresholds]
mql = "seventy"
min_fit = 20

[[fit]]
id = "ceo"
field = "title"
value = "CEO"
points = 30

[[fit]]
field = "title"
value = "Manager"
points = 20

[[fit]]
id = "company_size_50_200"
label = """
op = "a trap: no key, the inside of a string"
"""
field = "company_size"
op = "between"
min = 50
points = 25

[[fit]]
id = "industry"
field = "industry"
op = "in"
values = [
  "Hospitality",
  "weight = 3",
]
points = 2.5
weight = 3

[[engagement_rule]]
id = "pricing"
event = "page_view"
points = 10
where = [{ field = "url", op = "like", value = "/pricing%" }]

[[engagement_rule]]
id = "ceo"
event = "page_view"
points = 1

[engagement_rule.where]
asset_type = "whitepaper"
form = { op = "in" }
'''


def issues_of(text: str) -> list[Issue]:
    with pytest.raises(ModelError) as info:
        load_model(text, source="broken.toml")
    return info.value.issues


def test_each_mistake_names_its_line() -> None:
    got = {(i.where, i.field, i.line) for i in issues_of(BROKEN)}
    assert got == {
        ("[thresholds]", "mql", line_of(BROKEN, 'mql = "seventy"')),
        # a missing key: the line of its rule's header
        ("fit #2", "id", line_of(BROKEN, "[[fit]]", 2)),
        ("fit 'company_size_50_200' (#3)", "op", line_of(BROKEN, 'op = "between"')),
        ("fit 'industry' (#4)", "points", line_of(BROKEN, "points = 2.5")),
        ("fit 'industry' (#4)", "weight", line_of(BROKEN, "weight = 3")),
        (
            "engagement_rule 'pricing' (#1)",
            "where.url.op",
            line_of(BROKEN, 'where = [{ field = "url", op = "like", value = "/pricing%" }]'),
        ),
        (
            "engagement_rule 'ceo' (#2)",
            "where.form.values",
            line_of(BROKEN, 'form = { op = "in" }'),
        ),
        # a duplicate id: where it is used the second time
        ("rule 'ceo'", "id", line_of(BROKEN, 'id = "ceo"', 2)),
    }


def test_mistakes_are_listed_in_the_order_of_the_file() -> None:
    lines = [i.line for i in issues_of(BROKEN)]
    assert None not in lines and lines == sorted(lines)
    lines = [
        i.line
        for i in issues_of(
            '[[fit]]\nid = "x"\nfield = "title"\nop = "eq"\npoints = "a"\n[nothing]\n'
        )
    ]
    assert lines == [4, 5, 6]


def test_the_message_shows_the_line_first() -> None:
    with pytest.raises(ModelError) as info:
        load_model(BROKEN, source="broken.toml")
    op_line = line_of(BROKEN, 'op = "between"')
    assert (
        f"  - line {op_line}, fit 'company_size_50_200' (#3), field 'op': unknown operator "
        "'between'; use one of equals" in str(info.value)
    )


def test_settings_tables_name_their_lines() -> None:
    text = default_model_text()
    broken = (
        text.replace("[engagement]\n", "[engagement]\nhalflife = 3\n")
        .replace("fit = { A = 60, B = 40, C = 20 }", 'fit = { A = "x", B = 40, C = 20 }')
        .replace("hold_days = 14 ", "hold_days = -14 ")
        .replace("mql = 70 ", "mql = 20 ")
    )
    got = {(i.where, i.field, i.line) for i in issues_of(broken)}
    assert got == {
        ("[thresholds]", "nurture_min", line_of_start(broken, "nurture_min = 30")),
        ("[engagement]", "halflife", line_of(broken, "halflife = 3")),
        ("[grades].fit", "A", line_of_start(broken, 'fit = { A = "x"')),
        ("[grades]", "fit", line_of_start(broken, 'fit = { A = "x"')),  # A counts as 0
        ("[fast_track]", "hold_days", line_of_start(broken, "hold_days = -14")),
    }


def line_of_start(text: str, start: str) -> int:
    [number] = [n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start)]
    return number


def test_tables_of_the_wrong_shape_name_their_key() -> None:
    text = (
        'fit = 2\n\n[model]\nname = "x"\n\n[[engagement_rule]]\nid = "a"\nevent = "x"\n'
        'points = 1\nwhere = "url"\n'
    )
    got = {(i.where, i.field, i.line) for i in issues_of(text)}
    assert got == {("[[fit]]", "", 1), ("engagement_rule 'a' (#1)", "where", 10)}


def test_unknown_top_level_keys_have_a_line_the_empty_model_none() -> None:
    issues = issues_of('[model]\nname = "nothing"\n\n[scoring]\nmql = 1\n')
    assert [(i.where, i.field, i.line) for i in issues] == [
        ("top level", "scoring", 4),
        ("top level", "", None),
    ]
    assert str(issues[1]) == "top level: the model has no rules; add [[fit]] or [[engagement_rule]]"


def test_a_where_list_of_tables_names_the_filter() -> None:
    text = """\
[[engagement_rule]]
id = "a"
event = "page_view"
points = 1

[[engagement_rule.where]]
field = "url"
op = "glob"
value = "/x*"

[[engagement_rule.where]]
field = "form"
op = "in"
colour = "red"
"""
    got = {(i.field, i.line) for i in issues_of(text)}
    assert got == {("where.form.values", 11), ("where.form.colour", 14)}


@pytest.mark.parametrize(
    "text,line,column",
    [
        ('[model]\nname = "x"\n\n[[fit]]\nid = "ceo\npoints = 3\n', 5, 10),
        ('[[fit]]\nid = "a"\npoints 3\n', 3, 8),
    ],
)
def test_toml_syntax_errors_take_tomllib_s_line(text: str, line: int, column: int) -> None:
    [issue] = issues_of(text)
    assert (issue.where, issue.line) == ("TOML syntax", line)
    assert f"(column {column})" in issue.message and "(at line" not in issue.message
    assert str(issue).startswith(f"line {line}, TOML syntax: ")


def test_a_syntax_error_at_the_end_has_no_line() -> None:
    [issue] = issues_of('[[fit]]\nlabel = """never closed\n')
    assert issue.line is None and "end of document" in issue.message
