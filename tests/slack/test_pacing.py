"""Per-channel pacing as a token bucket: a quiet channel takes a short burst at once, then one
post per interval; a lone alert never waits."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from bot.slack.pacing import BURST, MARGIN, Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def pacer(burst: int, interval: float = 1.0) -> tuple[Pacer, Clock]:
    clock = Clock()
    return Pacer(interval, sleep=clock.sleep, monotonic=lambda: clock.now, burst=burst), clock


def _posts(p: Pacer, clock: Clock, channel: str, n: int) -> list[float]:
    """When each of n posts to `channel` goes out, relative to the first."""
    start = clock.now
    out = []
    for _ in range(n):
        p.wait(channel)
        out.append(round(clock.now - start, 6))
        p.posted(channel)
    return out


def test_three_alerts_in_one_second_go_out_at_once() -> None:
    p, clock = pacer(3)
    assert _posts(p, clock, "A", 3) == [0, 0, 0]


def test_after_the_burst_the_pace_is_one_per_interval() -> None:
    p, clock = pacer(3)
    times = _posts(p, clock, "A", 6)
    assert times[:3] == [0, 0, 0]
    assert times[3:] == pytest.approx([MARGIN, 2 * MARGIN, 3 * MARGIN])
    # over any stretch, no more than burst + elapsed/interval posts: Slack's limit holds
    assert len(times) <= 3 + times[-1] / MARGIN + 1e-9


def test_a_quiet_channel_refills_its_burst_and_channels_are_apart() -> None:
    p, clock = pacer(2)
    assert _posts(p, clock, "A", 3) == pytest.approx([0, 0, MARGIN])
    assert _posts(p, clock, "B", 2) == [0, 0]  # B's bucket is its own
    clock.now += 10  # quiet for a while: the whole burst again, and no more
    assert _posts(p, clock, "A", 3) == pytest.approx([0, 0, MARGIN])


def test_a_lone_alert_never_waits() -> None:
    p, clock = pacer(BURST)
    for _ in range(5):
        assert _posts(p, clock, "A", 1) == [0]
        clock.now += 1.5
    assert clock.slept == []


def test_a_post_delayed_by_a_429_pushes_the_next_one_back() -> None:
    p, clock = pacer(2)
    p.wait("A")
    clock.now += 5  # the client waited out a Retry-After before Slack took it
    p.posted("A")
    p.wait("A")  # a burst's second post may go at once...
    p.posted("A")
    start = clock.now
    p.wait("A")  # ...but not a third: the pace counts from the late post
    assert clock.now - start == pytest.approx(MARGIN)


def test_a_burst_of_one_is_the_old_steady_pace() -> None:
    p, clock = pacer(1)
    assert _posts(p, clock, "A", 3) == pytest.approx([0, MARGIN, 2 * MARGIN])


def test_the_burst_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "sdrbot.toml"
    assert Settings.load(env_file=None, environ={}).outbox_burst == BURST
    config.write_text("[outbox]\nburst = 5\n")
    assert Settings.load(env_file=None, environ={"SDRBOT_CONFIG": str(config)}).outbox_burst == 5
    for bad in ("0", "1.5", "true"):
        config.write_text(f"[outbox]\nburst = {bad}\n")
        with pytest.raises(SettingsError, match=r"outbox\.burst must be a whole number"):
            Settings.load(env_file=None, environ={"SDRBOT_CONFIG": str(config)})
