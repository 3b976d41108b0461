"""Internal names as a person reads them, in the team's language: event types, statuses,
transition causes, actors, outcomes, grades and "2 h ago".

Every stored name (`page_view`, `decision:promote`, `cli:root import:out.csv`) is turned into
words here, from `templates/<locale>/words/`, so no surface shows one raw. Results are mrkdwn
(escaped) unless the function says plain.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot import mrkdwn
from bot.words import catalogue, say

OUTCOME_ICONS = {"promote": "✅", "recycle": "↻", "disqualify": "⛔", "claim": "🙋"}
_STAGE_ICON = "🏁"
_WHITEPAPER = ("whitepaper", "white paper", "white-paper")


def _known(key: str) -> bool:
    return key in catalogue("en")


def event_label(locale: str, kind: str, detail: str = "") -> str:
    """`page_view` with `/product` → "Page view /product"; a whitepaper download by its name."""
    if kind == "content_download" and any(w in detail.lower() for w in _WHITEPAPER):
        label = say(locale, "events.whitepaper")
    elif _known(f"events.{kind}"):
        label = say(locale, f"events.{kind}")
    else:
        # a custom event reads like a catalogued one: "trial_started" → "Trial started"
        words = kind.replace("_", " ").strip()
        label = say(locale, "events.other", kind=mrkdwn.escape(words[:1].upper() + words[1:]))
    if not detail:
        return label
    return say(locale, "events.with_detail", label=label, detail=mrkdwn.clip(_words(detail), 200))


def _words(detail: str) -> str:
    """A form's or asset's id as words (`newsletter_signup` → "newsletter signup"); a URL, a
    path or a title stays as it is."""
    if "_" in detail and not any(c in detail for c in " /:."):
        return detail.replace("_", " ").strip()
    return detail


def raised(locale: str, kind: str) -> str:
    """The hand-raise as a headline: `demo_request` → "Demo requested" (plain words)."""
    if _known(f"events.raised.{kind}"):
        return say(locale, f"events.raised.{kind}")
    return say(locale, "events.raised.other", label=event_label(locale, kind))


def field_name(locale: str, name: str) -> str:
    """A lead field as words (`company_size` → "Company size"); a custom attribute's own name
    with its underscores as spaces."""
    if _known(f"fields.{name}"):
        return say(locale, f"fields.{name}")
    return mrkdwn.escape(name.replace("_", " "))


def status(locale: str, name: str) -> str:
    """A lifecycle status as a word (`mql` → "Marketing-qualified (MQL)")."""
    if _known(f"status.{name}"):
        return say(locale, f"status.{name}")
    return mrkdwn.escape(name)


def actor(locale: str, who: str) -> str:
    """A stored actor as words: a Slack user as a mention, `cli:root import:out.csv` as
    "root with the import of out.csv", `api:key` as the ingest API."""
    if not who:
        return say(locale, "actor.someone")
    tokens = dict(_token(t) for t in who.split())
    if "slack" in tokens:
        return mrkdwn.mention(tokens["slack"])
    if "import" in tokens:
        user = mrkdwn.escape(tokens.get("cli") or "cli")
        return say(locale, "actor.import", user=user, file=mrkdwn.escape(tokens["import"]))
    if "cli" in tokens:
        return say(locale, "actor.cli", user=mrkdwn.escape(tokens["cli"] or "?"))
    if "api" in tokens:
        return say(locale, "actor.api", key=mrkdwn.escape(tokens["api"]))
    if who == "system":
        return say(locale, "actor.system")
    return mrkdwn.mention(who)  # a bare Slack user id (a claim's owner)


def outcome(locale: str, kind: str) -> tuple[str, str]:
    """(icon, label) of what ended an MQL: a decision, a claim, an expiry or a CRM stage."""
    if kind.startswith("crm:"):
        return _STAGE_ICON, say(locale, "outcome.crm", status=status(locale, kind[4:]))
    if kind in OUTCOME_ICONS or kind == "expired":
        return OUTCOME_ICONS.get(kind, "⌛"), say(locale, f"outcome.{kind}")
    if kind.startswith("decision:"):
        return outcome(locale, kind.removeprefix("decision:"))
    return "•", say(locale, "outcome.moved", status=status(locale, kind))


def cause(locale: str, why: str, who: str) -> str:
    """Why a status changed, in a few words (`decision:promote` → "promoted by <@U1>")."""
    key = why.replace(":", "_")
    if why.startswith("crm:"):
        return say(locale, "cause.crm", who=actor(locale, who))
    if _known(f"cause.{key}"):
        return say(locale, f"cause.{key}", who=actor(locale, who))
    return say(locale, "cause.other", cause=mrkdwn.clip(why, 80))


def ago(locale: str, moment: datetime, now: datetime) -> str:
    """ "2 h ago", "yesterday": plain words for a headline (no date token there)."""
    seconds = (_utc(now) - _utc(moment)).total_seconds()
    if seconds < 60:
        return say(locale, "time.just_now")
    if seconds < 3600:
        return say(locale, "time.minutes_ago", n=int(seconds // 60))
    if seconds < 48 * 3600:
        return say(locale, "time.hours_ago", n=int(seconds // 3600))
    return say(locale, "time.days_ago", n=int(seconds // 86400))


def duration(locale: str, seconds: float) -> str:
    """How long something has been open: "under 1 h", "5 h", "2 d 3 h"."""
    hours = int(seconds // 3600)
    if hours < 1:
        return say(locale, "time.under_an_hour")
    if hours < 48:
        return say(locale, "time.hours", n=hours)
    return say(locale, "time.days_hours", d=hours // 24, h=hours % 24)


def on(locale: str, moment: datetime) -> str:
    """A date token for "on <date>": each reader sees it in their own time zone."""
    return mrkdwn.date(moment, say(locale, "time.on"))


def grade_legend(locale: str, grade: str) -> str:
    """One line that explains a grade such as `B2`."""
    fit, level = (grade[:1], grade[1:]) if len(grade) >= 2 else ("?", "?")
    return say(locale, "grades.legend", grade=mrkdwn.escape(grade), fit=fit, level=level)


def _token(text: str) -> tuple[str, str]:
    kind, _, value = text.partition(":")
    return kind, value


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
