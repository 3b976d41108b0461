"""The model file: the default model of SPEC §3, and validation that names every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.conditions import OPERATORS
from scoring.loader import default_model, default_model_text, load_model
from scoring.model import (
    DEFAULT_FAST_TRACK,
    EngagementRule,
    FitRule,
    Grades,
    Issue,
    ModelError,
    ScoringModel,
)

MINIMAL = """
[[fit]]
id = "ceo"
field = "title"
value = "CEO"
points = 30
"""


def problems(text: str) -> list[Issue]:
    with pytest.raises(ModelError) as info:
        load_model(text, source="test.toml")
    return info.value.issues


def one_problem(text: str) -> Issue:
    issues = problems(text)
    assert len(issues) == 1, issues
    return issues[0]


# --- the default model ----------------------------------------------------------------------------


def test_default_model_loads() -> None:
    m = default_model()
    assert isinstance(m, ScoringModel)
    assert m.source == default_model_text()
    assert len(m.checksum) == 16


def test_default_thresholds_are_the_seed_definition() -> None:
    th = default_model().thresholds
    assert (th.mql, th.min_fit, th.min_engagement, th.nurture_min) == (70, 20, 20, 30)


def test_default_fast_track_events_are_the_four_hand_raisers() -> None:
    ft = default_model().fast_track
    assert (
        set(ft.events)
        == {"demo_request", "pricing_request", "contact_request", "chat_with_sales"}
        == set(DEFAULT_FAST_TRACK)
    )
    assert ft.hold_days == 14


def fit(rule_id: str) -> FitRule:
    return next(r for r in default_model().fit_rules if r.id == rule_id)


def eng(rule_id: str) -> EngagementRule:
    return next(r for r in default_model().engagement_rules if r.id == rule_id)


@pytest.mark.parametrize(
    "title",
    [
        "CEO",
        "Chief Executive Officer",
        "Geschäftsführer",
        "Geschäftsführerin",
        "Founder",
        "Co-Founder & CTO",
        "Gründerin",
        "Inhaber",
        "Managing Director",
        "Owner",
        "Mitgründerin",
        "Firmeninhaber",
        "Geschäftsführender Gesellschafter",
    ],
)
def test_default_executive_rule_is_30_points(title: str) -> None:
    rule = fit("role_executive")
    assert rule.points == 30 and rule.group == "role"
    assert rule.condition.field == "title"
    assert rule.condition.matches(title)


@pytest.mark.parametrize("title", ["Product Owner", "Sales Rep", "Student", "", "Managerial"])
def test_default_role_rules_do_not_match_other_titles(title: str) -> None:
    assert not fit("role_executive").condition.matches(title)
    if title != "Managerial":
        assert not fit("role_manager").condition.matches(title)


@pytest.mark.parametrize(
    "title",
    [
        "Marketing Manager",
        "Head of Sales",
        "Vertriebsleiterin",
        "Leiter Einkauf",
        "Director of Operations",
        "Produktmanagerin",
        "Key-Account-Manager",
        "Abteilungsleiter",
    ],
)
def test_default_manager_rule_is_20_points(title: str) -> None:
    rule = fit("role_manager")
    assert rule.points == 20 and rule.group == "role"
    assert rule.condition.matches(title)
    assert not fit("role_executive").condition.matches(title)


def test_default_company_size_rule() -> None:
    rule = fit("company_size_50_200")
    assert rule.points == 25
    assert (rule.condition.op, rule.condition.low, rule.condition.high) == ("range", 50, 200)
    assert rule.condition.matches("120") and not rule.condition.matches(201)


@pytest.mark.parametrize("industry", ["Gastronomie", "hospitality", "Restaurants"])
def test_default_target_industry_rule(industry: str) -> None:
    rule = fit("target_industry")
    assert rule.points == 20
    assert rule.condition.matches(industry)
    assert not rule.condition.matches("Software")


@pytest.mark.parametrize(
    "rule_id,event,points",
    [
        ("whitepaper_download", "content_download", 15),
        ("webinar_attended", "webinar_attended", 25),
        ("product_page", "page_view", 30),
        ("website_visits_3_days", "page_view", 20),
        ("pricing_sheet_download", "content_download", 10),
        ("careers_page", "page_view", -5),
        ("newsletter_opens_3", "newsletter_open", 15),
        ("unsubscribe", "unsubscribe", -10),
    ],
)
def test_default_engagement_rules_of_spec_3(rule_id: str, event: str, points: int) -> None:
    rule = eng(rule_id)
    assert (rule.event, rule.points) == (event, points)


def test_default_engagement_rule_details() -> None:
    visits = eng("website_visits_3_days")
    assert (visits.min_count, visits.distinct_days, visits.window_days) == (3, True, 30)
    assert visits.where == ()
    news = eng("newsletter_opens_3")
    assert (news.min_count, news.distinct_days) == (3, False)
    [wp] = eng("whitepaper_download").where
    assert wp.field == "asset_type" and wp.matches("whitepaper") and not wp.matches("ebook")
    [ps] = eng("pricing_sheet_download").where
    assert ps.matches("pricing_sheet")
    [careers] = eng("careers_page").where
    assert careers.matches("https://acme.com/careers/open-positions")
    [product] = eng("product_page").where
    assert product.matches("https://acme.com/product/tour")
    unsub = eng("unsubscribe")
    assert unsub.half_life_days == 0 and unsub.window_days == 0


def test_default_recency_inherited_from_engagement_table() -> None:
    rule = eng("webinar_attended")
    assert rule.half_life_days == 90 and rule.window_days == 180


def test_default_rule_ids_are_unique() -> None:
    m = default_model()
    ids = [r.id for r in m.fit_rules] + [r.id for r in m.engagement_rules]
    assert len(ids) == len(set(ids))


def test_rules_for_event() -> None:
    m = default_model()
    assert {r.id for r in m.rules_for_event("page_view")} == {
        "product_page",
        "website_visits_3_days",
        "careers_page",
    }
    assert m.rules_for_event("demo_request") == ()


# --- loading settings -----------------------------------------------------------------------------


def test_minimal_model_gets_defaults() -> None:
    m = load_model(MINIMAL)
    assert m.name == "Unnamed model"
    assert (m.thresholds.mql, m.thresholds.nurture_min) == (70, 30)
    assert m.grades == Grades()
    assert m.fast_track.events == DEFAULT_FAST_TRACK
    assert m.engagement_rules == ()
    assert m.fit_rules[0].label  # a label is made up from the condition


def test_nurture_min_defaults_below_a_low_mql() -> None:
    m = load_model("[thresholds]\nmql = 20\n" + MINIMAL)
    assert m.thresholds.nurture_min == 20


def test_where_shorthand_forms() -> None:
    m = load_model("""
[[engagement_rule]]
id = "a"
event = "form_submit"
points = 5
where = { form = ["demo", "trial"], region = "EU", url = { op = "glob", value = "/x*" } }
""")
    ops = {c.field: c.op for c in m.engagement_rules[0].where}
    assert ops == {"form": "in", "region": "equals", "url": "glob"}


def test_engagement_settings_and_overrides() -> None:
    m = load_model("""
[engagement]
half_life_days = 30
window_days = 60

[[engagement_rule]]
id = "a"
event = "email_click"
points = 5
cap = -15

[[engagement_rule]]
id = "b"
event = "email_open"
points = 1
half_life_days = 0.5
window_days = 0
min_count = 4
""")
    a, b = m.engagement_rules
    assert (a.half_life_days, a.window_days, a.cap, a.min_count, a.is_threshold) == (
        30,
        60,
        15,
        1,
        False,
    )
    assert (b.half_life_days, b.window_days, b.cap, b.min_count, b.is_threshold) == (
        0.5,
        0,
        None,
        4,
        True,
    )
    assert b.decay_seconds == 43200


def test_custom_grades_and_fast_track() -> None:
    m = load_model(
        MINIMAL
        + """
[grades]
fit = { A = 50, B = 30, C = 10 }
engagement = { "1" = 50, "2" = 30, "3" = 10 }

[fast_track]
events = ["demo_request", "trial_signup"]
hold_days = 3
"""
    )
    assert m.grades.fit == (("A", 50), ("B", 30), ("C", 10))
    assert m.grades.engagement == ((1, 50), (2, 30), (3, 10))
    assert m.fast_track.events == ("demo_request", "trial_signup")
    assert m.fast_track.hold_days == 3


def test_checksum_follows_the_text() -> None:
    assert load_model(MINIMAL).checksum == load_model(MINIMAL).checksum
    assert load_model(MINIMAL).checksum != load_model(MINIMAL + "\n").checksum


# --- validation: each mistake names the rule and the field ----------------------------------------


def test_unknown_operator() -> None:
    issue = one_problem(MINIMAL.replace('value = "CEO"', 'op = "startswith"\nvalue = "CEO"'))
    assert "'ceo'" in issue.where and issue.field == "op"
    assert "startswith" in issue.message and "regex" in issue.message


def test_missing_field() -> None:
    issue = one_problem(MINIMAL.replace('field = "title"\n', ""))
    assert "'ceo'" in issue.where and issue.field == "field"


def test_bad_regex() -> None:
    issue = one_problem(MINIMAL.replace('value = "CEO"', 'op = "regex"\nvalue = "(ceo"'))
    assert "'ceo'" in issue.where and issue.field == "value"
    assert "invalid" in issue.message


def test_range_min_above_max() -> None:
    issue = one_problem("""
[[fit]]
id = "size"
field = "company_size"
op = "range"
min = 200
max = 50
points = 25
""")
    assert "'size'" in issue.where and issue.field == "max"
    assert "below min" in issue.message


@pytest.mark.parametrize("points", ["2.5", '"20"', "true"])
def test_points_must_be_whole_numbers(points: str) -> None:
    issue = one_problem(MINIMAL.replace("points = 30", f"points = {points}"))
    assert "'ceo'" in issue.where and issue.field == "points"


def test_missing_points() -> None:
    issue = one_problem(MINIMAL.replace("points = 30\n", ""))
    assert issue.field == "points" and "None" in issue.message


def test_duplicate_ids_across_dimensions() -> None:
    issue = one_problem(
        MINIMAL
        + """
[[engagement_rule]]
id = "ceo"
event = "page_view"
points = 1
"""
    )
    assert issue.where == "rule 'ceo'" and issue.field == "id"
    assert "twice" in issue.message


@pytest.mark.parametrize("rule_id", ['"CEO Rule"', "5", '""'])
def test_bad_rule_id(rule_id: str) -> None:
    issue = one_problem(MINIMAL.replace('id = "ceo"', f"id = {rule_id}"))
    assert issue.where == "fit #1" and issue.field == "id"


def test_missing_ids_are_not_reported_as_duplicates() -> None:
    issues = problems("""
[[fit]]
field = "title"
value = "CEO"
points = 30

[[engagement_rule]]
event = "page_view"
points = 1
""")
    assert [(i.where, i.field) for i in issues] == [("fit #1", "id"), ("engagement_rule #1", "id")]


def test_unknown_key_in_rule() -> None:
    issue = one_problem(MINIMAL + "weight = 3\n")
    assert "'ceo'" in issue.where and issue.field == "weight"
    assert "unknown setting" in issue.message and "points" in issue.message


def test_unknown_key_in_where_filter() -> None:
    issue = one_problem("""
[[engagement_rule]]
id = "pricing"
event = "page_view"
points = 10
where = [{ field = "url", op = "glob", value = "/pricing*", case = true }]
""")
    assert "'pricing'" in issue.where and issue.field == "where.url.case"


def test_bad_where_filter_names_its_field() -> None:
    issue = one_problem("""
[[engagement_rule]]
id = "pricing"
event = "page_view"
points = 10
where = [{ field = "url", op = "like", value = "/pricing%" }]
""")
    assert "'pricing'" in issue.where and issue.field == "where.url.op"


def test_where_must_be_filters() -> None:
    issue = one_problem('[[engagement_rule]]\nid = "a"\nevent = "x"\npoints = 1\nwhere = "url"\n')
    assert issue.field == "where"


@pytest.mark.parametrize("section", ["[scoring]\nx = 1\n", "threshold = 70\n"])
def test_unknown_top_level_keys(section: str) -> None:
    issue = one_problem(section + MINIMAL)
    assert issue.where == "top level"


@pytest.mark.parametrize(
    "table,key",
    [("thresholds", "mq"), ("engagement", "halflife"), ("grades", "A"), ("fast_track", "event")],
)
def test_unknown_keys_in_settings_tables(table: str, key: str) -> None:
    issue = one_problem(f"[{table}]\n{key} = 1\n" + MINIMAL)
    assert issue.where == f"[{table}]" and issue.field == key


def test_engagement_rule_mistakes() -> None:
    issues = problems("""
[[engagement_rule]]
id = "no_event"
points = 5

[[engagement_rule]]
id = "zero_cap"
event = "page_view"
points = 5
cap = 0

[[engagement_rule]]
id = "count_with_cap"
event = "page_view"
points = 5
min_count = 3
cap = 10

[[engagement_rule]]
id = "bad_numbers"
event = "page_view"
points = 5
min_count = 0
window_days = 1.5
half_life_days = -1
distinct_days = "yes"
""")
    got = {(i.where.split("'")[1], i.field) for i in issues}
    assert got == {
        ("no_event", "event"),
        ("zero_cap", "cap"),
        ("count_with_cap", "cap"),
        ("bad_numbers", "min_count"),
        ("bad_numbers", "window_days"),
        ("bad_numbers", "half_life_days"),
        ("bad_numbers", "distinct_days"),
    }


def test_settings_mistakes() -> None:
    issues = problems(
        MINIMAL
        + """
[model]
name = ""

[thresholds]
mql = "seventy"
min_fit = -1

[engagement]
half_life_days = -3

[grades]
fit = { A = 20, B = 40, C = 60 }
engagement = { "1" = 60, "2" = 40 }

[fast_track]
events = "demo_request"
hold_days = -1
"""
    )
    got = {(i.where, i.field) for i in issues}
    assert got == {
        ("[model]", "name"),
        ("[thresholds]", "mql"),
        ("[engagement]", "half_life_days"),
        ("[grades]", "fit"),
        ("[grades]", "engagement"),
        ("[fast_track]", "events"),
        ("[fast_track]", "hold_days"),
    }


def test_tables_of_the_wrong_shape() -> None:
    issues = problems(
        "model = 3\nthresholds = 5\nengagement = 1\nfit = 2\n"
        "engagement_rule = 4\ngrades = 1\nfast_track = 2\n"
    )
    wheres = {i.where for i in issues}
    assert {
        "[model]",
        "[thresholds]",
        "[engagement]",
        "[[fit]]",
        "[[engagement_rule]]",
        "[grades]",
        "[fast_track]",
    } <= wheres


def test_nurture_min_above_mql() -> None:
    issue = one_problem("[thresholds]\nmql = 50\nnurture_min = 60\n" + MINIMAL)
    assert issue.where == "[thresholds]" and issue.field == "nurture_min"
    assert "mql" in issue.message


def test_empty_model() -> None:
    issue = one_problem('[model]\nname = "nothing"\n')
    assert "no rules" in issue.message


def test_model_of_broken_rules_is_not_also_called_empty() -> None:
    issues = problems('[[fit]]\nid = "x"\nfield = "title"\nop = "nope"\npoints = 1\n')
    assert len(issues) == 1 and issues[0].field == "op"


def test_bad_toml_syntax_reports_the_line() -> None:
    issue = one_problem('[model]\nname = "x"\n\n[[fit]]\nid = "ceo\npoints = 3\n')
    assert issue.where == "TOML syntax"
    assert issue.line == 5 and str(issue).startswith("line 5, TOML syntax: ")


def test_all_mistakes_are_reported_at_once() -> None:
    text = """
[thresholds]
mql = 50
nurture_min = 80

[[fit]]
id = "a"
field = "title"
op = "bogus"
points = 10

[[fit]]
id = "b"
field = "company_size"
op = "range"
min = 10
max = 1
points = 5

[[fit]]
id = "c"
field = "title"
op = "regex"
value = "[oops"
points = 1.5

[[engagement_rule]]
id = "a"
event = "page_view"
points = 5
colour = "red"
"""
    with pytest.raises(ModelError) as info:
        load_model(text, source="mine.toml")
    got = {(i.where, i.field) for i in info.value.issues}
    assert got == {
        ("[thresholds]", "nurture_min"),
        ("fit 'a' (#1)", "op"),
        ("fit 'b' (#2)", "max"),
        ("fit 'c' (#3)", "points"),
        ("fit 'c' (#3)", "value"),
        ("engagement_rule 'a' (#1)", "colour"),
        ("rule 'a'", "id"),
    }
    message = str(info.value)
    assert message.startswith("mine.toml has 7 problem(s):")
    assert "\n  - line 17, fit 'b' (#2), field 'max': max (1) is below min (10)" in message


def test_issue_str() -> None:
    assert str(Issue("fit 'x' (#1)", "op", "bad")) == "fit 'x' (#1), field 'op': bad"
    assert str(Issue("fit 'x' (#1)", "op", "bad", 14)) == "line 14, fit 'x' (#1), field 'op': bad"
    assert str(Issue("[thresholds]", "", "bad", 3)) == "line 3, [thresholds]: bad"
    assert str(Issue("top level", "", "empty")) == "top level: empty"


def test_the_documented_example_model_is_valid() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"
    example = doc.read_text(encoding="utf-8").split("```toml\n", 1)[1].split("```", 1)[0]
    m = load_model(example, source="docs/scoring.md")
    ops = {r.condition.op for r in m.fit_rules} | {
        c.op for r in m.engagement_rules for c in r.where
    }
    assert ops == set(OPERATORS)
    assert {r.id for r in m.engagement_rules if r.is_threshold} == {"visits_3_days"}
