"""Spreading CPU-bound scoring over the machine's cores (one worker process each).

Scoring is pure Python and the database waits on it, not the other way round; on a 2-core
machine a second process nearly halves a rescore. Small jobs and in-memory SQLite databases
(which another process cannot open) stay in the calling process.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from multiprocessing.util import Finalize

from sqlalchemy.engine import Engine

from bot.usecases.lifecycle.scoring_pass import SettleSummary
from storage.db import make_engine

PARALLEL_FROM = 20_000  # leads; below this, starting workers costs more than it saves


def worker_count(requested: int | None = None) -> int:
    return requested if requested is not None else (os.cpu_count() or 1)


def shareable(engine: Engine) -> bool:
    """A database other processes can open: not an in-memory SQLite."""
    database = engine.url.database
    return engine.dialect.name != "sqlite" or bool(database and database != ":memory:")


def use_workers(engine: Engine, leads: int, requested: int | None = None) -> int:
    """How many worker processes to use for `leads` leads (0 = do it in this process)."""
    workers = worker_count(requested)
    if workers < 2 or leads < PARALLEL_FROM or not shareable(engine):
        return 0
    return workers


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


_engine: Engine | None = None  # a worker process's own engine (see worker_pool)


def worker_pool(engine: Engine, workers: int) -> ProcessPoolExecutor:
    """Worker processes for scoring tasks on `engine`'s database; a task gets the database
    through `worker_engine()`: one engine, and one connection, per process for all its tasks
    (a new server process per task cost PostgreSQL its start, its exit and a page fault for
    each shared buffer it touched)."""
    return ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(url_of(engine),)
    )


def _start_worker(url: str) -> None:
    global _engine
    # what the process inherits at fork lives until it exits: frozen, no collection walks it.
    # A walk writes to every page it touches, and so copies them all: 80 ms of a half-second
    # range of the daily expiry, in each worker, when the parent forked with its collector on
    gc.freeze()
    _engine = make_engine(url)
    Finalize(_engine, _engine.dispose, exitpriority=10)


def worker_engine() -> Engine:
    """The engine of this worker process (started by `worker_pool`)."""
    if _engine is None:
        raise RuntimeError("worker_engine() outside a process started by worker_pool()")
    return _engine


def gather(
    futures: Iterable[Future[tuple[SettleSummary, int]]],
    progress: Callable[[int], None] | None = None,
) -> SettleSummary:
    """Add up the workers' summaries as they finish (each also says how many leads it did)."""
    summary = SettleSummary()
    for future in as_completed(list(futures)):
        part, done = future.result()
        summary.add(part)
        if progress:
            progress(done)
    return summary
