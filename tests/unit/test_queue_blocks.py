"""The queue and App Home builders stay within Block Kit's limits, whatever the leads say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.slack.blocks import check_message, check_view
from bot.slack.blocks.queue import QueueItem, age, home_view, queue_message

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
HOSTILE = "<!channel> *Zoë* _&_ <http://x|y> " * 20


def items(n: int) -> list[QueueItem]:
    return [
        QueueItem(i, HOSTILE, HOSTILE, 100 - i, "A1", "U0SDRANNA1", NOW - timedelta(hours=i))
        for i in range(n)
    ]


@pytest.mark.parametrize(("hours", "shown"), [(0.5, "<1h"), (5, "5h"), (47, "47h"), (50, "2d 2h")])
def test_age(hours: float, shown: str) -> None:
    assert age(NOW - timedelta(hours=hours), NOW) == shown


def test_a_long_hostile_queue_fits_and_pings_no_one() -> None:
    message = queue_message(items(60), 60, NOW)
    check_message(message)
    text = str(message["blocks"])
    assert "<!channel>" not in text and "<http://x|y>" not in text
    assert "40 more with lower scores" in text


def test_the_home_view_fits_with_many_leads() -> None:
    view = home_view(items(40), items(40), {"promote": 3}, NOW)
    check_view(view)
    assert view["type"] == "home" and "<!channel>" not in str(view)


def test_empty_lists_say_what_to_do() -> None:
    view = home_view([], [], {}, NOW)
    assert "Nothing claimed" in str(view) and "0 promoted" in str(view)
    assert "No open MQLs" in str(queue_message([], 0, NOW))
