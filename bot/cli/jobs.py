"""`sdrbot jobs` (what runs when, who runs it) and `sdrbot jobs run NAME [--force]`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from bot.cli.common import console, engine, fail, now
from bot.jobs.catalog import JOBS, job_named
from bot.jobs.lease import holder_id
from bot.jobs.runner import run_job
from bot.jobs.status import jobs_status
from bot.settings import Settings, SettingsError


def register(app: typer.Typer) -> None:
    jobs = typer.Typer(
        help="Scheduled work: the weekly digest, SLA reminders, stale-MQL expiry.",
        invoke_without_command=True,
    )
    app.add_typer(jobs, name="jobs")
    jobs.callback()(overview)
    jobs.command("run")(run_now)


def _settings() -> Settings:
    try:
        return Settings.load()
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc


def overview(ctx: typer.Context) -> None:
    """Each job with its schedule, last and next run, and the process that runs them."""
    if ctx.invoked_subcommand is not None:
        return
    settings = _settings()
    tz = ZoneInfo(settings.timezone)
    status = jobs_status(engine(), settings, JOBS, now=now())
    table = Table("job", "what", "schedule", "last run", "next run")
    for row in status.jobs:
        last = (
            f"{row.last.period} {row.last.status} at {_when(row.last.started_at, tz)}"
            if row.last
            else "never"
        )
        table.add_row(row.job.name, row.job.title, row.schedule, last, _when(row.next_run, tz))
    console.print(table)
    if status.lease is not None and status.lease_live:
        console.print(
            f"Run by the process {status.lease.holder} (since "
            f"{_when(status.lease.acquired_at, tz)}; its lease runs until "
            f"{_when(status.lease.expires_at, tz)}).",
            markup=False,
        )
    else:
        console.print(
            "No process runs the jobs now: start `sdrbot run` (or `sdrbot serve --jobs`); "
            "the first one to start takes them."
        )
    console.print(f"Times are in {settings.timezone} ([general] timezone).", markup=False)


def run_now(
    name: str = typer.Argument(..., help="The job to run (see `sdrbot jobs`)."),
    force: bool = typer.Option(False, "--force", help="Run again even if this period ran already."),
) -> None:
    """Run one job now, for the period it covers now (once per period unless --force)."""
    job = job_named(name)
    if job is None:
        raise fail(
            f"there is no job {name!r}; the jobs are {', '.join(j.name for j in JOBS)} "
            "(see `sdrbot jobs`)",
            2,
        )
    try:
        result = run_job(
            engine(),
            job,
            now=now(),
            settings=_settings(),
            holder=f"cli:{holder_id()}",
            force=force,
        )
    except Exception as exc:
        raise fail(f"{name} failed for this period: {exc}") from exc
    if result.ran:
        console.print(f"{name} ran for {result.period}: {result.summary}", markup=False)
    else:
        console.print(
            f"{name} ran for {result.period} already; nothing done. Add --force to run it again.",
            markup=False,
        )


def _when(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M") if moment else "—"
