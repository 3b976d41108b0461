"""`sdrbot ingest rejected | replay [ID…]`: the calls of API batches that could not be stored,
kept with their reason, listed and retried after a fix (an event mapping added to the config,
say)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from bot.cli.common import console, engine, fail, now
from bot.settings import Settings, SettingsError

MAX_RAW = 120  # characters of a call shown in the list


# long: a Typer group factory: the commands are closures registered on the group, each short
def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Calls of the ingest API that could not be stored.")
    app.add_typer(group, name="ingest")

    @group.command("rejected")
    def rejected_cmd(
        every: bool = typer.Option(False, "--all", help="Replayed ones too."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    ) -> None:
        """List the rejected calls: when, which key sent them, why, and the call."""
        from bot.usecases.ingest.rejected import listing

        rows = listing(engine(), every=every)
        if as_json:
            for r in rows:
                line = {
                    "id": r.id,
                    "received_at": r.received_at.isoformat(),
                    "key": r.key_name,
                    "errors": [{"field": f, "message": m} for f, m in r.errors],
                    "call": r.raw,
                    "batch": r.envelope,
                    "replayed_at": r.replayed_at.isoformat() if r.replayed_at else None,
                }
                console.print(json.dumps(line, ensure_ascii=False), markup=False, soft_wrap=True)
            return
        if not rows:
            console.print("No rejected calls wait for a replay.")
            return
        table = Table("id", "received", "key", "why", "call")
        for r in rows:
            raw = json.dumps(r.raw, ensure_ascii=False)
            table.add_row(
                str(r.id),
                f"{r.received_at:%Y-%m-%d %H:%M}",
                escape(r.key_name),
                escape("; ".join(f"{f}: {m}" for f, m in r.errors)),
                escape(raw if len(raw) <= MAX_RAW else raw[: MAX_RAW - 1] + "…"),
            )
        console.print(table)
        console.print(
            f"{len(rows)} rejected calls. Fix the cause (the config's [ingest] event_map, "
            "say), then `sdrbot ingest replay` retries them all, or `sdrbot ingest replay ID…` "
            "the ones named."
        )

    @group.command("replay")
    def replay_cmd(
        ids: list[int] = typer.Argument(
            None, help="Ids from `sdrbot ingest rejected` (default: all)."
        ),
    ) -> None:
        """Retry rejected calls with today's config, under the key that sent them."""
        from bot.usecases.ingest.rejected import replay

        try:
            settings = Settings.load()
        except SettingsError as exc:
            raise fail(str(exc), 2) from exc
        eng = engine()
        report = replay(eng, ids or [], parse=_parser(settings), store=_store(eng), now=now())
        for row_id, errors in report.still.items():
            why = "; ".join(f"{f}: {m}" for f, m in errors)
            console.print(f"Call {row_id} is still rejected: {why}", markup=False)
        if report.skipped:
            console.print(
                "Not replayed (no such id, or stored before): "
                + ", ".join(str(i) for i in report.skipped),
                markup=False,
            )
        console.print(f"Replayed {len(report.stored)} calls; {len(report.still)} still rejected.")
        if report.still:
            raise typer.Exit(1)


def _parser(settings: Settings) -> Any:
    from bot.http.api.items import parser

    return parser(settings.event_map)


def _store(eng: Any) -> Callable[..., None]:
    from bot.usecases.ingest.apply_calls import IdentityConflict
    from bot.usecases.ingest.rejected import CallRejected
    from bot.usecases.ingest.request import DatabaseBusy, IngestRequests
    from storage.sqlite_write_lock import immediate_engine

    requests = IngestRequests(immediate_engine(eng))

    def store(calls: list[Any], key: str, also: Callable[[Any], None]) -> None:
        try:
            requests.calls(calls, key=key, now=now(), also=also)
        except IdentityConflict as exc:
            raise CallRejected([(exc.error.field, exc.error.message)]) from None
        except DatabaseBusy as exc:
            raise fail(f"{exc}; run the replay again") from exc

    return store
