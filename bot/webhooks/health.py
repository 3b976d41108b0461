"""What `sdrbot doctor` says about webhooks: deliveries that failed, or wait far too long."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from storage.db import session_scope
from storage.repositories import webhook_admin
from storage.repositories import webhooks as repo

STUCK = timedelta(minutes=15)  # a pending delivery older than this is not merely being retried


def webhook_problems(engine: Engine, *, now: datetime) -> tuple[int, list[str]]:
    """The number of active webhooks, and one line per webhook that needs attention."""
    problems = []
    with session_scope(engine) as s:
        hooks = webhook_admin.webhooks(s)
        for hook in hooks:
            webhook_id = int(hook.id or 0)
            counts = repo.delivery_counts(s, webhook_id)
            if counts.get("failed"):
                problems.append(
                    f"webhook #{webhook_id}: {counts['failed']} deliveries failed; "
                    f"fix the receiver, then `sdrbot webhook redeliver "
                    f"{webhook_id}`"
                )
            oldest = webhook_admin.oldest_pending(s, webhook_id)
            if oldest is not None and now - oldest > STUCK:
                problems.append(
                    f"webhook #{webhook_id}: a delivery has waited since "
                    f"{oldest:%Y-%m-%d %H:%M} UTC; is `sdrbot run` or `sdrbot "
                    "serve` running, and does the receiver answer? (`sdrbot "
                    f"webhook test {webhook_id}`)"
                )
    return len(hooks), problems
