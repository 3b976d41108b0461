"""The exploration sample's draw: the share of the band, the same for the same period, each
lead in it with the probability `share`."""

from __future__ import annotations

from scoring.exploration import in_band, pick


def test_off_picks_nothing_and_on_picks_the_share() -> None:
    assert pick(range(100), 0.0, "2026-12-03") == []
    assert pick([], 0.5, "2026-12-03") == []
    chosen = pick(range(100), 0.2, "2026-12-03")
    assert len(chosen) == 20 and set(chosen) <= set(range(100))
    assert pick(range(100), 1.0, "x") == list(range(100))


def test_the_same_period_picks_the_same_leads_in_any_order() -> None:
    ids = list(range(1, 60))
    first = pick(ids, 0.1, "2026-12-03")
    assert pick(reversed(ids), 0.1, "2026-12-03") == first
    assert pick(ids, 0.1, "2026-12-04") != first


def test_each_lead_is_picked_with_the_share_as_its_probability() -> None:
    # 7 leads at 10 %: 0.7 expected per day; over many days each lead about 10 % of them
    days = [f"2026-{d:04d}" for d in range(4000)]
    counts = [0] * 7
    for day in days:
        for lead in pick(range(7), 0.1, day):
            counts[lead] += 1
    assert all(abs(c / len(days) - 0.1) < 0.02 for c in counts)


def test_the_band_is_under_the_line_by_at_most_its_width() -> None:
    assert in_band(60, 70, 10) and in_band(69.5, 70, 10)
    assert not in_band(70, 70, 10) and not in_band(59.9, 70, 10)
