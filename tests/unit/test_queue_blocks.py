"""The queue and App Home builders stay within Block Kit's limits, whatever the leads say, and
mark hand-raisers and MQLs past their SLA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.slack.blocks import check_message, check_view
from bot.slack.blocks.human import duration
from bot.slack.blocks.queue import home_view, queue_message
from bot.usecases.queries.queue import Home, QueueItem

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
HOSTILE = "<!channel> *Zoë* _&_ <http://x|y> " * 20


def items(n: int, first: int = 0, owner: str | None = "U0SDRANNA1") -> list[QueueItem]:
    return [
        QueueItem(i, HOSTILE, HOSTILE, 100 - i, "A1", owner, NOW - timedelta(hours=i))
        for i in range(first, first + n)
    ]


@pytest.mark.parametrize(
    ("hours", "en", "de"),
    [(0.5, "under 1 h", "unter 1 Std."), (5, "5 h", "5 Std."), (50, "2 d 2 h", "2 T. 2 Std.")],
)
def test_age(hours: float, en: str, de: str) -> None:
    assert duration("en", hours * 3600) == en
    assert duration("de", hours * 3600) == de


def test_a_long_hostile_queue_fits_says_what_it_hides_and_pings_no_one() -> None:
    message = queue_message(items(60), 60, NOW)
    check_message(message)
    text = str(message["blocks"])
    assert "<!channel>" not in text and "<http://x|y>" not in text
    assert "40 more not shown" in text and "/lead" in text


def test_hand_raisers_and_late_mqls_are_marked() -> None:
    late = [
        QueueItem(1, "Ann", None, 15, "D4", None, NOW, fast_track="demo_request"),
        QueueItem(2, "Bob", None, 80, "A1", None, NOW, sla="overdue"),
        QueueItem(3, "Cy", None, 70, "A2", None, NOW, sla="escalated"),
    ]
    text = queue_message(late, 3, NOW)["blocks"][0]["text"]["text"]
    lines = text.splitlines()[1:]
    assert lines[0].startswith("• ⚡ *Ann*") and lines[1].startswith("• ⏰ *Bob*")
    assert lines[2].startswith("• 🚨 *Cy*")


def test_the_home_view_fits_with_many_leads_and_says_how_many_it_hides() -> None:
    shown = Home(items(15), items(15, first=100, owner=None), {"promote": 3}, 40, 38, 5400.0)
    view = home_view(shown, NOW, notice="<@U0SDRBEN01> was first.")
    check_view(view)
    assert len(view["blocks"]) <= 100  # each listed MQL is a line and its buttons
    text = str(view)
    assert view["type"] == "home" and "<!channel>" not in text
    assert "23 more not shown here" in text and "25 more not shown here" in text
    assert "40 open leads of yours" in text and "Median time to first action this week: 1 h" in text


def test_empty_lists_say_what_to_do() -> None:
    view = home_view(Home([], [], {}), NOW)
    assert "Nothing claimed" in str(view) and "0 promoted" in str(view)
    assert "No first actions" in str(view)
    assert "No open MQLs" in str(queue_message([], 0, NOW))
