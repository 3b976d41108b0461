"""The answers to clicks that came too late: who, what, when, escaped."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.slack.replies import not_allowed, too_late, too_late_plain
from bot.usecases.lifecycle.decisions import Prior, Result

AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def lost(prior: Prior | None, status: str = "disqualified") -> Result:
    return Result(False, 7, "promote", status, prior=prior)


def test_who_decided_what_and_when_with_a_hostile_reason_escaped() -> None:
    text = too_late(lost(Prior("disqualify", "slack:U0SDRBEN01", AT, "<!channel> *spam*")))
    assert text.startswith("Too late: <@U0SDRBEN01> already disqualified this lead on <!date^")
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def test_a_cli_decider_is_named_not_mentioned() -> None:
    text = too_late(lost(Prior("recycle", "cli:alice", AT)))
    assert "alice on the command line already recycled this lead" in text and "<@" not in text


def test_plain_answers_for_modal_errors() -> None:
    assert (
        too_late_plain(lost(Prior("promote", "slack:U1", AT), "sql"))
        == "Too late: U1 already promoted to SQL on 2026-06-01 12:00 UTC. Nothing was changed."
    )
    assert (
        too_late_plain(lost(None, "nurturing"))
        == "This lead is no longer an open MQL (now Nurturing); nothing was changed."
    )


def test_no_longer_open_without_a_decision() -> None:
    assert "it is now *Nurturing*" in too_late(lost(None, "nurturing"))


def test_the_answers_speak_german() -> None:
    text = too_late(lost(Prior("promote", "slack:U0SDRBEN01", AT, "Budget")), "de")
    assert text.startswith("Zu spät: <@U0SDRBEN01> hat diesen Lead bereits am <!date^")
    assert "zum SQL befördert (Grund: Budget)" in text
    assert "jetzt *In Pflege (Nurturing)*" in too_late(lost(None, "nurturing"), "de")
    assert "deine Slack-ID ist `U1`" in not_allowed("U1", "de")


def test_not_allowed_names_the_users_id() -> None:
    assert "`U0SDRANNA1`" in not_allowed("U0SDRANNA1") and "[roles]" in not_allowed("U1")
