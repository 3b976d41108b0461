"""`[learning]`: the defaults, the values read, and every mistake named with its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.learning_settings import LearningSettings
from bot.settings import SettingsError
from tests.unit.test_settings import load


def test_defaults_and_values(tmp_path: Path) -> None:
    s = load(tmp_path, "")
    assert s.learning.channel is None and s.learning.approvers == ()
    assert (s.learning.day, s.learning.time, s.learning.flood_limit) == ("mon", "07:00", 20)
    s = load(
        tmp_path,
        '[learning]\nchannel = "#ops"\napprovers = ["U1"]\napprover_groups = ["S1"]\n'
        'recycle_weight = 0\ntarget_rate = 0.35\nday = "Tuesday"\ntime = "6:15"\n'
        "flood_limit = 50\nmin_decisions = 60\nsent_back_weight = 2\n",
    )
    learning = s.learning
    assert (learning.channel, learning.approvers, learning.approver_groups) == (
        "#ops",
        ("U1",),
        ("S1",),
    )
    assert (learning.recycle_weight, learning.target_rate) == (0.0, 0.35)
    assert learning.sent_back_weight == 2.0 and LearningSettings().sent_back_weight == 1.0
    assert (learning.day, learning.time, learning.flood_limit) == ("tue", "06:15", 50)
    assert learning.options().min_decisions == 60 and learning.options().target_rate == 0.35


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("target_rate = 30", "learning.target_rate must be a share between 0 and 1"),
        ("recycle_weight = -1", "learning.recycle_weight must be a number, 0 or more"),
        ('sent_back_weight = "x"', "learning.sent_back_weight must be a number, 0 or more"),
        ("exploration_share = 5", "learning.exploration_share must be a share between 0 and 1"),
        ("exploration_band = 0", "learning.exploration_band must be a positive number"),
        ('exploration_time = "noon"', "learning.exploration_time must be a time of day"),
        ('approvers = "U1"', "learning.approvers must be a list of strings"),
        ("flood_limit = 0", "learning.flood_limit must be a whole number, 1 or more"),
        ('day = "someday"', "learning.day must be one of mon"),
        ('time = "7am"', 'learning.time must be a time of day as "HH:MM"'),
        ("approve = []", "unknown key learning.approve"),
    ],
)
def test_mistakes_are_named(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        load(tmp_path, f"[learning]\n{toml}\n")


def test_exploration_is_off_by_default_and_read_when_set(tmp_path: Path) -> None:
    off = load(tmp_path, "").learning
    assert (off.exploration_share, off.exploration_band, off.exploration_time) == (0, 10, "10:00")
    on = load(
        tmp_path,
        '[learning]\nexploration_share = 0.05\nexploration_band = 15\nexploration_time = "9:30"\n',
    ).learning
    assert (on.exploration_share, on.exploration_band, on.exploration_time) == (0.05, 15, "09:30")
