"""Every operator of SPEC §3 over the values CRM and CSV data really contain."""

from __future__ import annotations

from typing import Any

import pytest

from scoring.conditions import (
    OPERATORS,
    Condition,
    ConditionError,
    as_number,
    is_empty,
    parse_condition,
)


def cond(op: str, **kw: Any) -> Condition:
    return parse_condition({"field": "f", "op": op, **kw}, require_field=True)


def test_operators_are_the_ones_documented() -> None:
    assert set(OPERATORS) == {
        "equals",
        "not_equals",
        "in",
        "not_in",
        "contains",
        "regex",
        "glob",
        "range",
        "is_set",
        "is_empty",
    }


# --- equals / not_equals ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["CEO", "ceo", " Ceo ", "cEo"])
def test_equals_ignores_case_and_surrounding_space(value: str) -> None:
    assert cond("equals", value="ceo").matches(value)
    assert cond("equals", value="CEO").matches(value)


@pytest.mark.parametrize("value", ["CEO Assistant", "co", "", "   ", None])
def test_equals_rejects_other_and_empty_values(value: Any) -> None:
    assert not cond("equals", value="ceo").matches(value)


def test_op_defaults_to_equals() -> None:
    c = parse_condition({"field": "country", "value": "DE"}, require_field=True)
    assert c.op == "equals"
    assert c.matches("de")
    assert not c.matches("AT")


@pytest.mark.parametrize("value", [120, 120.0, "120", " 120 ", "120.0", "+120"])
def test_equals_compares_numbers_given_as_text_numerically(value: Any) -> None:
    assert cond("equals", value=120).matches(value)
    assert cond("equals", value="120").matches(value)


def test_equals_numbers_do_not_match_different_numbers() -> None:
    assert not cond("equals", value=120).matches("1200")
    assert not cond("equals", value=120).matches(120.5)
    assert cond("equals", value=1.5).matches("1.50")


def test_equals_booleans() -> None:
    assert cond("equals", value=True).matches("true")
    assert cond("equals", value=True).matches(True)
    assert not cond("equals", value=True).matches(False)


def test_not_equals_holds_for_other_and_missing_values() -> None:
    c = cond("not_equals", value="student")
    assert c.matches("CEO")
    assert c.matches(None)
    assert c.matches("")
    assert not c.matches("Student")
    assert not c.matches(" STUDENT ")


# --- in / not_in ----------------------------------------------------------------------------------


def test_in_is_case_insensitive() -> None:
    c = cond("in", values=["Hospitality", "Gastronomie"])
    assert c.matches("hospitality")
    assert c.matches("GASTRONOMIE")
    assert not c.matches("Retail")
    assert not c.matches(None)
    assert not c.matches("")


def test_in_with_numbers_given_as_text() -> None:
    c = cond("in", values=[1, 2, 3])
    assert c.matches("2")
    assert c.matches(3.0)
    assert not c.matches("4")


def test_in_accepts_a_list_under_value_too() -> None:
    assert cond("in", value=["DE", "AT"]).matches("at")


def test_not_in() -> None:
    c = cond("not_in", values=["gmail.com", "web.de"])
    assert c.matches("acme.com")
    assert c.matches(None)
    assert c.matches("")
    assert not c.matches("GMAIL.com")


# --- contains / regex ---------------------------------------------------------------------------


def test_contains_is_a_case_insensitive_substring() -> None:
    c = cond("contains", value="Sales")
    assert c.matches("Head of sales EMEA")
    assert c.matches("SALES")
    assert not c.matches("Marketing")
    assert not c.matches(None)
    assert not c.matches("")


def test_contains_on_numbers() -> None:
    assert cond("contains", value="12").matches(120)
    assert cond("contains", value=12).matches("a 120 b")


def test_regex_searches_case_insensitively() -> None:
    c = cond("regex", value=r"\b(ceo|founder)\b")
    assert c.matches("Co-Founder & CEO")
    assert c.matches("FOUNDER")
    assert not c.matches("Ceosomething")
    assert not c.matches(None)
    assert not c.matches("")


def test_regex_on_a_number_does_not_see_a_trailing_zero() -> None:
    assert cond("regex", value=r"^120$").matches(120.0)
    assert cond("regex", value=r"^120$").matches("120")


def test_regex_umlauts() -> None:
    assert cond("regex", value=r"\bgeschäftsführer(in)?\b").matches("Geschäftsführerin")


# --- glob -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/pricing",
        "/pricing/enterprise",
        "/Pricing?utm_source=x",
        "https://www.acme.com/pricing",
        "https://www.acme.com/pricing/teams?plan=pro#faq",
        "http://acme.com/PRICING",
        "www.acme.com/pricing",
        "acme.com/pricing-plans",
    ],
)
def test_glob_path_pattern_matches_full_urls_and_paths(url: str) -> None:
    assert cond("glob", value="/pricing*").matches(url)


@pytest.mark.parametrize(
    "url",
    [
        "/product/pricing",
        "https://acme.com/blog/pricing",
        "https://pricing.acme.com/",
        "acme.com",
        "",
        None,
    ],
)
def test_glob_path_pattern_rejects_other_paths(url: Any) -> None:
    assert not cond("glob", value="/pricing*").matches(url)


def test_glob_exact_path_ignores_the_query() -> None:
    c = cond("glob", value="/pricing")
    assert c.matches("https://acme.com/pricing?utm=1")
    assert not c.matches("https://acme.com/pricing/teams")


def test_glob_against_whole_value() -> None:
    c = cond("glob", value="*@acme.*")
    assert c.matches("Jane@ACME.com")
    assert not c.matches("jane@other.com")
    assert cond("glob", value="https://acme.com/*").matches("https://acme.com/x")


def test_glob_on_a_malformed_url_is_no_match_not_an_error() -> None:
    assert not cond("glob", value="/x*").matches("http://[::1/x")


# --- range ----------------------------------------------------------------------------------------


def test_range_with_min_and_max_includes_both_bounds() -> None:
    c = cond("range", min=50, max=200)
    for ok in (50, 120, 200, 50.0, "50", " 200 ", "120.5", "1,20"):
        assert c.matches(ok), ok
    misses: tuple[Any, ...] = (
        49,
        49.9,
        201,
        "201",
        "",
        "  ",
        None,
        "fifty",
        "50-200",
        True,
        [],
        float("nan"),
    )
    for bad in misses:
        assert not c.matches(bad), bad


def test_range_with_min_only() -> None:
    c = cond("range", min=1000)
    assert c.matches("1,200")
    assert c.matches(10**9)
    assert not c.matches(999)
    assert not c.matches("Infinity")


def test_range_with_max_only() -> None:
    c = cond("range", max=10)
    assert c.matches(-5)
    assert c.matches("10")
    assert not c.matches(10.01)
    assert not c.matches(None)


def test_range_with_float_bounds() -> None:
    c = cond("range", min=0.5, max=1.5)
    assert c.matches("1")
    assert not c.matches(0.4)


# --- is_set / is_empty --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,empty",
    [
        (None, True),
        ("", True),
        ("   ", True),
        ([], True),
        ({}, True),
        ("x", False),
        (0, False),
        (0.0, False),
        (False, False),
        (["a"], False),
    ],
)
def test_is_set_and_is_empty(value: Any, empty: bool) -> None:
    assert is_empty(value) is empty
    assert cond("is_empty").matches(value) is empty
    assert cond("is_set").matches(value) is not empty


# --- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,number",
    [
        (5, 5.0),
        (2.5, 2.5),
        ("7", 7.0),
        (" 7.5 ", 7.5),
        ("1,200", 1200.0),
        ("-3", -3.0),
        (True, None),
        ("", None),
        ("abc", None),
        (None, None),
        ("nan", None),
        ("inf", None),
        ([1], None),
    ],
)
def test_as_number(raw: Any, number: float | None) -> None:
    assert as_number(raw) == number


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,field",
    [
        ({"op": "equals", "value": "x"}, "field"),
        ({"field": "  ", "op": "equals", "value": "x"}, "field"),
        ({"field": "t", "op": "starts_with", "value": "x"}, "op"),
        ({"field": "t", "op": "equals"}, "value"),
        ({"field": "t", "op": "equals", "value": ["a"]}, "value"),
        ({"field": "t", "op": "equals", "value": ""}, "value"),
        ({"field": "t", "op": "contains", "value": "  "}, "value"),
        ({"field": "t", "op": "in", "values": []}, "values"),
        ({"field": "t", "op": "in", "values": "a"}, "values"),
        ({"field": "t", "op": "not_in"}, "values"),
        ({"field": "t", "op": "regex", "value": "(unclosed"}, "value"),
        ({"field": "t", "op": "regex"}, "value"),
        ({"field": "t", "op": "glob", "value": ""}, "value"),
        ({"field": "t", "op": "range"}, "min"),
        ({"field": "t", "op": "range", "min": "50"}, "min"),
        ({"field": "t", "op": "range", "min": 1, "max": True}, "max"),
        ({"field": "t", "op": "range", "min": 200, "max": 50}, "max"),
    ],
)
def test_bad_conditions_name_the_key(raw: dict[str, Any], field: str) -> None:
    with pytest.raises(ConditionError) as info:
        parse_condition(raw, require_field=True)
    assert info.value.field == field
    assert info.value.message


def test_unknown_operator_lists_the_known_ones() -> None:
    with pytest.raises(ConditionError, match="use one of equals"):
        cond("starts_with", value="x")


def test_bad_regex_message_quotes_the_pattern() -> None:
    with pytest.raises(ConditionError, match=r"\(unclosed"):
        cond("regex", value="(unclosed")


def test_describe() -> None:
    assert cond("in", values=["a", "b"]).describe() == "f in ['a', 'b']"
    assert cond("range", min=1, max=2).describe() == "f in range 1.0..2.0"
    assert cond("is_set").describe() == "f is_set"
    assert cond("equals", value="x").describe() == "f equals 'x'"
