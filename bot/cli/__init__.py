"""The `sdrbot` command line: a thin layer of Typer commands over the use cases.

Each command group lives in its own module with a `register(app)` function.
"""

from __future__ import annotations

import typer

from bot.cli import (
    apikey,
    calibrate,
    db,
    demo,
    digest,
    doctor,
    generate,
    imports,
    ingest,
    jobs,
    leads,
    model,
    recalibrate,
    run,
    sandbox,
    serve,
    slack,
    start,
    webhook,
)
from bot.cli.common import state

app = typer.Typer(
    name="sdrbot",
    help="sdrbot: explainable lead scoring and MQL alerts for SDR teams in Slack.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)


@app.callback()
def _root(
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        envvar="DATABASE_URL",
        show_envvar=True,
        help="Database to use (default: sqlite:///sdrbot.db in this folder).",
    ),
) -> None:
    state.database_url = database_url


for module in (
    start,
    demo,
    imports,
    leads,
    model,
    calibrate,
    recalibrate,
    generate,
    db,
    run,
    doctor,
    apikey,
    ingest,
    serve,
    webhook,
    slack,
    jobs,
    digest,
    sandbox,
):
    module.register(app)


def main() -> None:
    app()
