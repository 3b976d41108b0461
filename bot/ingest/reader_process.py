"""Parse a large events CSV in a second process while this one stores and scores.

Parsing, validating and hashing a row costs about as much as storing and scoring it; on a
2-core machine the two halves can run side by side. Batches travel through a bounded queue, so
the reader never runs far ahead of the writer.
"""

from __future__ import annotations

import multiprocessing as mp
import queue as queue_module
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.ingest.csv_files import open_csv, read_events
from bot.ingest.records import EventIn, RowError

BATCH = 10_000


def _context() -> Any:
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def events_in_background(path: Path, now: datetime, batch: int = BATCH
                         ) -> Iterator[EventIn | RowError]:
    """The items of read_events(path), parsed (and keyed) in a child process."""
    ctx = _context()
    channel = ctx.Queue(maxsize=4)
    child = ctx.Process(target=_produce, args=(str(path), now, batch, channel), daemon=True)
    child.start()
    try:
        while True:
            try:
                item = channel.get(timeout=1.0)
            except queue_module.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"the process reading {path} stopped unexpectedly "
                                       f"(exit code {child.exitcode})") from None
                continue
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=5)


def _produce(path: str, now: datetime, batch: int, channel: Any) -> None:
    try:
        source = open_csv(Path(path))
        try:
            out: list[EventIn | RowError] = []
            for item in read_events(source, now):
                if isinstance(item, EventIn):
                    item.idempotency_key()  # hashed here, on the other core
                out.append(item)
                if len(out) >= batch:
                    channel.put(out)
                    out = []
            if out:
                channel.put(out)
        finally:
            source.close()
        channel.put(None)
    except BaseException as exc:  # the parent re-raises it: a file error must not be lost
        channel.put(exc)
