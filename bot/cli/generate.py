"""`sdrbot generate`: synthetic sample data (placeholder until the generator lands)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("generate")
    def generate_cmd() -> None:
        """Write a synthetic leads.csv and events.csv."""
        raise typer.Exit(1)
