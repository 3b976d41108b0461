"""Amounts of CRM outcomes: a comma groups thousands, or the amount is refused (never misread)."""

from __future__ import annotations

import pytest

from bot.ingest.outcomes import parse_amount
from bot.ingest.records import RowRejected


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1250", 1250.0),
        ("1250.50", 1250.5),
        (" 12.50 ", 12.5),
        ("1,250", 1250.0),
        ("1,250.50", 1250.5),
        ("12,500,000", 12_500_000.0),
        ("10,000", 10_000.0),
        ("0", 0.0),
        ("", None),
        ("  ", None),
    ],
)
def test_plain_numbers_and_thousands_separators(raw: str, value: float | None) -> None:
    assert parse_amount(raw, 3) == value


@pytest.mark.parametrize(
    "raw",
    ["12,50", "1.250,50", "1,25", "0,5", "1,2500", "12,500,00", ",500", "1,250,", "12.500,00"],
)
def test_a_decimal_comma_is_refused_with_the_fix(raw: str) -> None:
    with pytest.raises(RowRejected) as caught:
        parse_amount(raw, 3)
    error = caught.value.error
    assert (error.line, error.field) == (3, "amount")
    assert repr(raw) in error.message and "write it like 12.50" in error.message


def test_negative_amounts_and_text_stay_refused() -> None:
    for raw, words in (
        ("-5", "must be 0 or more"),
        ("-1,250", "must be 0 or more"),
        ("lots", "is not a number"),
        ("$12", "is not a number"),
    ):
        with pytest.raises(RowRejected, match=words):
            parse_amount(raw, 1)
