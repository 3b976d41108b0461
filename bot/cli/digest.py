"""`sdrbot digest --preview [--week 2026-W48] [--locale de] [--chart FILE.png]` and
`sdrbot digest --post [--week …] [--force]`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import console, engine, fail, now
from bot.digest.chart import digest_chart
from bot.digest.numbers import digest_numbers
from bot.digest.texts import digest_texts
from bot.digest.weeks import Week, WeekError, parse_week, week_before
from bot.jobs.digest_job import DIGEST
from bot.jobs.lease import holder_id
from bot.jobs.runner import run_job
from bot.locales import LOCALES
from bot.settings import Settings, SettingsError
from storage.db import session_scope


def register(app: typer.Typer) -> None:
    app.command("digest")(digest)


def digest(
    preview: bool = typer.Option(False, "--preview", help="Print it here; post nothing."),
    post: bool = typer.Option(False, "--post", help="Post it to the digest channel now."),
    week: str | None = typer.Option(
        None, "--week", help="The ISO week, e.g. 2026-W48 (default: last week)."
    ),
    locale: str | None = typer.Option(
        None, "--locale", help=f"Language: {', '.join(LOCALES)} (default: general.locale)."
    ),
    chart: Path | None = typer.Option(
        None, "--chart", help="With --preview: write the chart to this PNG file."
    ),
    force: bool = typer.Option(
        False, "--force", help="With --post: post again a week that was posted."
    ),
) -> None:
    """The weekly funnel digest for marketing: preview it, or post it (once per week)."""
    if preview == post:
        raise fail("choose one of --preview and --post", 2)
    try:
        settings = Settings.load()
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc
    if locale is not None and locale not in LOCALES:
        raise fail(f"--locale must be one of {', '.join(LOCALES)}, not {locale!r}", 2)
    settings = replace(settings, locale=locale or settings.locale)
    tz = ZoneInfo(settings.timezone)
    try:
        chosen = parse_week(week) if week else week_before(now(), tz)
    except WeekError as exc:
        raise fail(f"--week: {exc}", 2) from exc
    if post:
        _post(settings, chosen, force)
    else:
        _preview(settings, chosen, chart)


def _preview(settings: Settings, week: Week, chart: Path | None) -> None:
    with session_scope(engine()) as session:
        numbers = digest_numbers(session, week, ZoneInfo(settings.timezone), now=now())
    texts = digest_texts(numbers, settings.locale, settings.timezone)
    console.rule(texts.header, style="bold")
    for section in texts.sections:
        console.print(section, markup=False, highlight=False)
        console.print()
    console.print(texts.footnote, markup=False, style="dim")
    if chart is not None:
        try:
            chart.write_bytes(digest_chart(numbers, settings.locale))
        except OSError as exc:
            raise fail(f"cannot write the chart to {chart}: {exc.strerror}") from exc
        console.print(f"The chart is in {chart}.", markup=False)


def _post(settings: Settings, week: Week, force: bool) -> None:
    result = run_job(
        engine(),
        DIGEST,
        now=now(),
        settings=settings,
        holder=f"cli:{holder_id()}",
        period=week.label,
        force=force,
    )
    if result.ran and settings.slack_bot_token:
        _send_now(settings)
        return
    if not result.ran:
        console.print(
            f"The digest of {week.label} was posted before; nothing done. Add --force to post "
            "it again.",
            markup=False,
        )
        return
    console.print(
        f"Queued the digest of {week.label} for {settings.digest_channel}; a running "
        "`sdrbot run` posts it within seconds.",
        markup=False,
    )


def _send_now(settings: Settings) -> None:
    """Post what was queued at once, rather than waiting for `sdrbot run` to do it."""
    from bot.slack.jobs_transport import JobsSender
    from bot.slack.outbox import make_client

    client = make_client(settings.slack_bot_token.value, settings.slack_api_url)
    report = JobsSender(engine(), client, now).drain_once()
    if report.sent:
        console.print(f"Posted the digest to {settings.digest_channel}.", markup=False)
    else:
        console.print(
            f"The digest is queued for {settings.digest_channel} but Slack did not take it "
            "yet; `sdrbot run` keeps trying (see its log, or `sdrbot doctor`).",
            markup=False,
        )
