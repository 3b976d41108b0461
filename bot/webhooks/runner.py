"""The webhook sender as a background thread of `sdrbot run` and `sdrbot serve`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.outbox.lanes import one_connection
from bot.webhooks.sender import WebhookSender

LANES = 4


@contextmanager
def sending_webhooks(
    engine: Engine, clock: Callable[[], datetime], wake: threading.Event | None = None
) -> Iterator[WebhookSender]:
    """Deliver webhooks in a thread while the block runs; `wake.set()` sends at once.

    The stop does not wait for a request in flight (see WebhookSender): its row is sent again
    after its lease."""
    wake = wake or threading.Event()  # also how the loop learns of the stop at once
    sender = WebhookSender(engine, clock, lanes=1 if one_connection(engine) else LANES)
    stop = threading.Event()
    thread = threading.Thread(
        target=sender.run, args=(stop,), kwargs={"wake": wake}, name="webhooks", daemon=True
    )
    thread.start()
    try:
        yield sender
    finally:
        stop.set()
        wake.set()
        thread.join(timeout=10)
        sender.client.close()
