"""The digest's words: each section rendered from templates/<locale>/digest/ (pure: numbers
and a locale in, mrkdwn out). Numbers are formatted for the locale here, so the templates
only place them; sources, campaigns and reasons are lead and user text, escaped there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.digest.numbers import SCORE_BAND, DigestNumbers, Funnel
from bot.digest.proposal import link
from bot.texts import render


@dataclass(frozen=True)
class DigestTexts:
    header: str  # plain text
    fallback: str  # the notification's text
    sections: tuple[str, ...]  # mrkdwn, one section block each
    footnote: str


def labels(name: str, locale: str, **values: Any) -> dict[str, str]:
    """A template of `key=text` lines (the chart's labels, the rates' names) as a dict."""
    lines = render(f"digest/{name}", locale, **values).splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def pct(value: float | None, locale: str) -> str:
    if value is None:
        return "–"
    text = f"{value * 100:.0f}" if value * 100 >= 10 or value == 0 else f"{value * 100:.1f}"
    return text.replace(".", ",") + " %" if locale == "de" else text + " %"


def band(low: float, high: float, locale: str) -> str:
    return f"{low * 100:.0f}–{high * 100:.0f} %"


def rate_of(funnel: Funnel, name: str) -> float | None:
    return next(r.value for r in funnel.rates if r.name == name)


def digest_texts(numbers: DigestNumbers, locale: str, timezone: str) -> DigestTexts:
    f = numbers.funnel
    names = labels("rates", locale)
    rates = [
        {
            "label": names[r.name],
            "value": pct(r.value, locale),
            "hits": r.hits,
            "of": r.of,
            "band": band(r.low, r.high, locale),
            "position": r.position,
        }
        for r in f.rates
    ]
    shared = {
        "week": numbers.week,
        "mql_sql": pct(rate_of(f, "mql_sql"), locale),
        "lead_mql": pct(rate_of(f, "lead_mql"), locale),
        "mqls": f.mqls,
    }
    funnel = render(
        "digest/funnel.mrkdwn",
        locale,
        rates=rates,
        new_leads=f.new_leads,
        mqls=f.mqls,
        re_mqls=f.mqls - f.first_mqls,
        sqls=f.sqls,
        opportunities=f.opportunities,
        won=f.won,
    )
    sections = (
        render("digest/verdict.mrkdwn", locale, verdict=f.verdict, **shared),
        funnel,
        _sources(numbers, locale),
        _reasons(numbers, locale),
        _backlog(numbers, locale),
        _sla(numbers, locale),
        _quality(numbers, locale),
        *([_proposal(numbers.proposal, locale)] if numbers.proposal else []),
        *(
            [render("digest/exploration.mrkdwn", locale, **numbers.exploration)]
            if numbers.exploration
            else []
        ),
    )
    return DigestTexts(
        header=render(
            "digest/header.plain",
            locale,
            week=numbers.week,
            first_day=numbers.first_day,
            last_day=numbers.last_day,
        ),
        fallback=render("digest/fallback.plain", locale, **shared),
        sections=sections,
        footnote=render("digest/footnote.mrkdwn", locale, week=numbers.week, timezone=timezone),
    )


def _sources(numbers: DigestNumbers, locale: str) -> str:
    titles = labels("source_titles", locale)
    tables = [
        {"title": titles[key], "ranked": [(r.name, r.count) for r in getattr(numbers, key)]}
        for key in ("mql_sources", "sql_sources", "mql_campaigns", "sql_campaigns")
    ]
    return render("digest/sources.mrkdwn", locale, tables=tables, unknown=titles["unknown"])


def _reasons(numbers: DigestNumbers, locale: str) -> str:
    def of(decision: str) -> list[tuple[str | None, int]]:
        return [(r.reason, r.count) for r in numbers.reasons if r.decision == decision]

    return render(
        "digest/reasons.mrkdwn", locale, recycle=of("recycle"), disqualify=of("disqualify")
    )


def _backlog(numbers: DigestNumbers, locale: str) -> str:
    b = numbers.backlog
    days = "–" if b.oldest_days is None else f"{b.oldest_days:.0f}"
    return render("digest/backlog.mrkdwn", locale, open=b.open, oldest_days=days, older=b.older)


def _quality(numbers: DigestNumbers, locale: str) -> str:
    rows = [
        {
            "low": r.low,
            "high": r.low + SCORE_BAND - 1,
            "decided": r.decided,
            "promoted": r.promoted,
            "rate": pct(r.promoted / r.decided if r.decided else None, locale),
        }
        for r in numbers.by_score
    ]
    return render("digest/quality.mrkdwn", locale, rows=rows)


def _sla(numbers: DigestNumbers, locale: str) -> str:
    s = numbers.sla

    def hours(value: float | None) -> str:
        text = "–" if value is None else f"{value:.1f}"
        return text.replace(".", ",") if locale == "de" else text

    return render(
        "digest/sla.mrkdwn",
        locale,
        acted=s.acted,
        median=hours(s.median_hours),
        p90=hours(s.p90_hours),
        reminders=s.reminders,
        escalations=s.escalations,
    )


def _proposal(proposal: dict[str, Any], locale: str) -> str:
    return render("digest/proposal.mrkdwn", locale, link=link(proposal), **proposal)
