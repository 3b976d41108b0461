"""Queue the week's digest (its message and its chart) in the caller's transaction: the
scheduled job and `sdrbot digest --post` both come here."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.digest.numbers import DigestNumbers, digest_numbers
from bot.digest.weeks import Week
from bot.outbox.messages import Digest
from bot.outbox.queue import queue
from bot.settings import Settings


def queue_digest(
    session: Session, week: Week, settings: Settings, *, now: datetime, run: int = 1
) -> DigestNumbers:
    """The numbers of `week`, queued to the digest channel; `run` > 1 posts them again (a
    forced run), any run number posts once."""
    numbers = digest_numbers(session, week, ZoneInfo(settings.timezone), now=now)
    payload = numbers.payload()
    messages = [
        Digest(
            week.label,
            settings.digest_channel,
            payload,
            settings.locale,
            settings.timezone,
            run,
            chart,
        )
        for chart in (False, True)
    ]
    queue(session, messages, now=now)
    return numbers
