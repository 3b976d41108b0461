"""Parsed rows in chunks for the importers; rejected rows go to the report as they pass."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

from bot.ingest.records import RowError

T = TypeVar("T")


class Counts(Protocol):
    rows: int
    errors: list[RowError]


def good_batches(
    items: Iterable[T | RowError],
    size: int,
    report: Counts,
    rejected: Callable[[int], None] | None = None,
) -> Iterator[list[T]]:
    """Chunks of at most `size` good rows; every row is counted, every bad one reported (and
    passed on to `rejected`, a progress bar's advance, as it is met)."""
    batch: list[T] = []
    for item in items:
        report.rows += 1
        if isinstance(item, RowError):
            report.errors.append(item)
            if rejected is not None:
                rejected(1)
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
