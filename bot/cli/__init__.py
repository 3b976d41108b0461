"""The `sdrbot` command line: a thin layer of Typer commands over the use cases.

Each command group lives in its own module with a `register(app)` function.
"""

from __future__ import annotations

import typer

from bot.cli import generate

app = typer.Typer(
    name="sdrbot",
    help="sdrbot: explainable lead scoring and MQL alerts for SDR teams in Slack.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

for module in (generate,):
    module.register(app)


def main() -> None:
    app()
