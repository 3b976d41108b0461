"""The senders' loop survives a failing round and rests only when a round found nothing."""

from __future__ import annotations

import logging
import threading

import pytest

from bot.polling import drain_until


def test_a_failing_round_is_logged_and_the_loop_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    stop, rounds = threading.Event(), []

    def drain() -> bool:
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("database is locked")
        if len(rounds) == 3:
            stop.set()
        return True

    with caplog.at_level(logging.ERROR):
        drain_until(stop, drain, name="test sender", idle=0.01)
    assert len(rounds) == 3
    assert "test sender: drain failed" in caplog.text and "database is locked" in caplog.text


def test_an_idle_round_waits_until_woken() -> None:
    stop, wake, rounds = threading.Event(), threading.Event(), []

    def drain() -> bool:
        rounds.append(1)
        if len(rounds) == 1:
            wake.set()  # something was queued meanwhile: the rest ends at once
        else:
            stop.set()
            wake.set()  # as `sdrbot run` does on the way out
        return False

    drain_until(stop, drain, name="test sender", idle=60, wake=wake)
    assert len(rounds) == 2 and not wake.is_set()
