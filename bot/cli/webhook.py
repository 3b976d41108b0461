"""`sdrbot webhook add URL | list | test ID | redeliver ID | secret ID | remove ID`."""

from __future__ import annotations

import typer
from rich.table import Table

from bot.cli.common import actor, console, engine, fail, now
from bot.usecases.admin import webhooks
from bot.webhooks.sender import DeliveryError, make_client, where
from storage.db import session_scope

ID = typer.Argument(..., help="The webhook's number (see `sdrbot webhook list`).")


# long: the subcommands are defined inside register(), each a few lines, as Typer's sub-apps are
def register(app: typer.Typer) -> None:
    hooks = typer.Typer(
        help="Outbound webhooks: a signed JSON POST on lifecycle changes.", no_args_is_help=True
    )
    app.add_typer(hooks, name="webhook")

    @hooks.command("add")
    def add_cmd(
        url: str = typer.Argument(..., help="Where to POST, e.g. a Zapier or n8n hook URL."),
        events: list[str] = typer.Option(
            None,
            "--events",
            "-e",
            help="Statuses to send, comma-separated: "
            + ", ".join(webhooks.EVENTS)
            + ". Default: mql, sql, recycled, disqualified.",
        ),
        description: str | None = typer.Option(
            None, "--description", "-d", help="A note on what receives it."
        ),
    ) -> None:
        """Add a webhook. Its signing secret is shown now (and by `sdrbot webhook secret`)."""
        try:
            with session_scope(engine()) as session:
                hook = webhooks.create(
                    session, url, events=events, description=description, now=now(), actor=actor()
                )
        except webhooks.WebhookError as exc:
            raise fail(str(exc)) from exc
        console.print(
            f"Added webhook #{hook.id}: {','.join(hook.events)} → {hook.url}",
            soft_wrap=True,
            markup=False,
        )
        console.print("Its signing secret (check X-Sdrbot-Signature with it):")
        console.print(hook.secret, markup=False, soft_wrap=True)
        console.print(f"Try it: sdrbot webhook test {hook.id}")

    @hooks.command("list")
    def list_cmd(
        removed: bool = typer.Option(False, "--removed", help="Show removed webhooks too."),
    ) -> None:
        """The webhooks, with their pending, sent and failed deliveries."""
        with session_scope(engine()) as session:
            rows = webhooks.list_webhooks(session, removed=removed)
        if not rows:
            console.print("No webhooks yet; add one with `sdrbot webhook add URL`.")
            return
        table = Table("#", "url", "events", "pending", "sent", "failed", "status")
        for column in table.columns[1:3]:  # a URL cut short cannot be told from another
            column.overflow = "fold"
        for row in rows:
            h, c = row.hook, row.counts
            table.add_row(
                str(h.id),
                h.url,
                ",".join(h.events),
                str(c.get("pending", 0)),
                str(c.get("sent", 0)),
                str(c.get("failed", 0)),
                f"removed {h.removed_at:%Y-%m-%d}" if h.removed_at else "active",
            )
        console.print(table)
        if any(row.counts.get("failed") for row in rows if not row.hook.removed_at):
            console.print(
                "Failed deliveries are kept: `sdrbot webhook redeliver ID` sends them again."
            )

    @hooks.command("test")
    def test_cmd(webhook_id: int = ID) -> None:
        """POST a signed `ping` document to the webhook now, and show the answer."""
        with session_scope(engine()) as session:
            try:
                hook = webhooks.get(session, webhook_id)
            except webhooks.WebhookError as exc:
                raise fail(str(exc)) from exc
            session.expunge(hook)
        with make_client() as client:
            try:
                status = webhooks.send_test(hook, client, now=now())
            except DeliveryError as exc:
                raise fail(
                    f"the test delivery failed: {exc}. Check that the URL is right "
                    "and that the receiver answers 2xx"
                ) from exc
        console.print(f"{where(hook.url)} answered HTTP {status}: webhook #{webhook_id} works.")

    @hooks.command("redeliver")
    def redeliver_cmd(webhook_id: int = ID) -> None:
        """Send this webhook's failed deliveries again (e.g. after its receiver was fixed)."""
        try:
            with session_scope(engine()) as session:
                n = webhooks.redeliver(session, webhook_id, now=now())
        except webhooks.WebhookError as exc:
            raise fail(str(exc)) from exc
        console.print(
            f"{n} failed deliveries of webhook #{webhook_id} are queued again; the "
            "running bot (`sdrbot run` or `sdrbot serve`) sends them."
            if n
            else f"Webhook #{webhook_id} has no failed deliveries."
        )

    @hooks.command("secret")
    def secret_cmd(webhook_id: int = ID) -> None:
        """Show the webhook's signing secret."""
        try:
            with session_scope(engine()) as session:
                secret = webhooks.get(session, webhook_id).secret
        except webhooks.WebhookError as exc:
            raise fail(str(exc)) from exc
        console.print(secret, markup=False, soft_wrap=True)

    @hooks.command("remove")
    def remove_cmd(webhook_id: int = ID) -> None:
        """Remove the webhook; its deliveries still waiting are dropped."""
        try:
            with session_scope(engine()) as session:
                dropped = webhooks.remove(session, webhook_id, now=now())
        except webhooks.WebhookError as exc:
            raise fail(str(exc)) from exc
        console.print(
            f"Removed webhook #{webhook_id}"
            + (f"; {dropped} waiting deliveries dropped." if dropped else ".")
        )
