"""N working hours later, across evenings, weekends, holidays and the clock change."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.jobs.sla_clock import Sla
from bot.jobs.working_time import WorkingTime
from bot.settings import Settings

BERLIN = Settings(timezone="Europe/Berlin", sla_holidays=(date(2026, 12, 24),))


def test_within_one_day() -> None:
    wt = WorkingTime.of(BERLIN)
    # Tuesday 10:00 in Berlin (09:00 UTC) + 4 h = 14:00 Berlin
    assert wt.after(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), 4) == datetime(
        2026, 12, 1, 13, 0, tzinfo=UTC
    )


def test_an_evening_mql_waits_for_the_morning_and_friday_for_monday() -> None:
    wt = WorkingTime.of(BERLIN)
    # Tuesday 20:00 Berlin: counts from Wednesday 09:00
    assert wt.after(datetime(2026, 12, 1, 19, 0, tzinfo=UTC), 4) == datetime(
        2026, 12, 2, 12, 0, tzinfo=UTC
    )
    # Friday 15:00 Berlin: 2 h on Friday, 2 h on Monday → Monday 11:00
    assert wt.after(datetime(2026, 12, 4, 14, 0, tzinfo=UTC), 4) == datetime(
        2026, 12, 7, 10, 0, tzinfo=UTC
    )


def test_holidays_and_custom_days() -> None:
    wt = WorkingTime.of(BERLIN)
    # Wednesday 23 Dec 16:00 Berlin: 1 h, the 24th is a holiday, 3 h on Friday the 25th
    assert wt.after(datetime(2026, 12, 23, 15, 0, tzinfo=UTC), 4) == datetime(
        2026, 12, 25, 11, 0, tzinfo=UTC
    )
    six_days = WorkingTime.of(replace(BERLIN, sla_working_days=("sat",), sla_day_end="10:00"))
    assert six_days.after(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), 2) == datetime(
        2026,
        12,
        12,
        9,
        0,
        tzinfo=UTC,  # one hour each Saturday: the 5th and the 12th
    )


def test_across_the_clock_change() -> None:
    wt = WorkingTime.of(BERLIN)
    # Friday 27 March 16:00 CET + 2 h: 1 h Friday, 1 h Monday 30 March (CEST) → 10:00 CEST
    assert wt.after(datetime(2026, 3, 27, 15, 0, tzinfo=UTC), 2) == datetime(
        2026, 3, 30, 8, 0, tzinfo=UTC
    )


def test_before_walks_back_over_nights_weekends_and_holidays() -> None:
    wt = WorkingTime.of(BERLIN)
    # Monday 11:00 Berlin, 4 h back: 2 h on Monday, 2 h of Friday → Friday 15:00 Berlin
    monday = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert wt.before(monday, 4) == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    # at night the day's close counts: Tuesday 23:00 Berlin, 4 h back → Tuesday 13:00
    assert wt.before(datetime(2026, 12, 1, 22, 0, tzinfo=UTC), 4) == datetime(
        2026, 12, 1, 12, 0, tzinfo=UTC
    )
    # Christmas Eve is no working day: Friday the 25th 10:00 Berlin minus 2 h → the 23rd 16:00
    assert wt.before(datetime(2026, 12, 25, 9, 0, tzinfo=UTC), 2) == datetime(
        2026, 12, 23, 15, 0, tzinfo=UTC
    )


def test_the_sla_states_of_an_open_mql() -> None:
    sla = Sla.of(replace(BERLIN, sla_working_hours=4))
    since = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)  # Friday 15:00 Berlin
    assert sla.state(since, datetime(2026, 12, 7, 9, 0, tzinfo=UTC)) is None
    assert sla.state(since, datetime(2026, 12, 7, 10, 0, tzinfo=UTC)) == "overdue"
    assert sla.state(since, datetime(2026, 12, 7, 14, 0, tzinfo=UTC)) == "escalated"
    now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    # what the queue's SQL asks: started at or before this moment means overdue now
    assert sla.overdue_before(now) == since
    assert sla.state(sla.overdue_before(now), now) == "overdue"


def test_being_n_working_hours_old_is_starting_no_later_than_n_hours_before() -> None:
    # the SLA job finds late MQLs by the second form (one walk of the calendar per run), the
    # queue's state asks the first one for each MQL: they must agree, across nights, weekends,
    # holidays and both changes of the clock
    rng = random.Random(13)
    for settings in (BERLIN, replace(BERLIN, timezone="America/New_York")):
        wt = WorkingTime.of(settings)
        for _ in range(3000):
            now = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(300 * 86400))
            since = now - timedelta(seconds=rng.randrange(8 * 86400))
            hours = rng.choice((0.5, 2, 4, 8, 16))
            assert (now >= wt.after(since, hours)) == (since <= wt.before(now, hours))
