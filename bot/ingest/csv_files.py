"""CSV files as the importers read them: encoding, separator, NUL characters, rows by line.

Excel's habits are tolerated (a byte-order mark, ';' or tab as separator). What the columns
mean is the business of `bot.ingest.csv_leads` and `bot.ingest.csv_events`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bot.ingest.records import RowError


class CSVFileError(ValueError):
    """The file as a whole cannot be read; nothing of it was imported."""


def header_key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


class Lines:
    """The file's lines for the csv reader, noting a NUL character on the way: PostgreSQL's
    text columns cannot hold one, so such a row is refused by name here, on either database,
    instead of by the database without a field. One test per line costs far less than one per
    value."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.nul = False  # a line read since the flag was last cleared held a NUL

    def __iter__(self) -> Iterator[str]:
        for line in self.handle:
            if "\x00" in line:
                self.nul = True
            yield line


def nul_error(line: int, header: list[str], values: list[str]) -> RowError:
    column = next(
        (
            header[i] if i < len(header) else f"column {i + 1}"
            for i, v in enumerate(values)
            if "\x00" in v
        ),
        "",
    )
    return RowError(
        line,
        column,
        "contains a NUL character (0x00), which cannot be stored; "
        "remove it (it often comes from a file saved as UTF-16: save it as CSV UTF-8)",
    )


def too_wide(line: int, values: int, width: int) -> RowError:
    return RowError(
        line,
        "",
        f"has {values} values but the header names "
        f"{width} columns; quote values that contain the separator",
    )


@dataclass
class CSVSource:
    path: Path
    handle: IO[str]
    reader: Iterator[list[str]]
    header: list[str]
    lines: Lines

    def rows(self) -> Iterator[tuple[int, dict[str, str] | RowError]]:
        """Each row by its line, or the error of a row the file's shape already spoils."""
        reader, lines = self.reader, self.lines
        width = len(self.header)
        for values in reader:
            line = reader.line_num  # type: ignore[attr-defined]
            if lines.nul:
                lines.nul = False
                yield line, nul_error(line, self.header, values)
                continue
            if not any(v.strip() for v in values):
                continue
            if len(values) > width:
                yield line, too_wide(line, len(values), width)
                continue
            yield line, dict(zip(self.header, values, strict=False))

    def close(self) -> None:
        self.handle.close()


def open_csv(path: Path) -> CSVSource:
    if not path.exists():
        raise CSVFileError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise CSVFileError(f"{path} is a folder; give the CSV file inside it")
    handle = path.open(newline="", encoding="utf-8-sig")
    try:
        sample = handle.read(16384)
    except UnicodeDecodeError:
        handle.close()
        raise CSVFileError(
            f"{path} is not UTF-8 text; save it as 'CSV UTF-8' and try again"
        ) from None
    handle.seek(0)
    # the separator is the one the header line uses most (Excel writes ';' in German locales);
    # csv.Sniffer guesses from the data too, and quoted tabs or line breaks mislead it
    header_line = sample.splitlines()[0] if sample else ""
    delimiter = max(",;\t", key=header_line.count)
    lines = Lines(handle)
    reader = csv.reader(lines, csv.excel, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise CSVFileError(f"{path} is empty; the first line must name the columns") from None
    if lines.nul:
        handle.close()
        raise CSVFileError(
            f"{path}: the header line contains NUL characters; is the file "
            "UTF-16? Save it as CSV UTF-8 and try again"
        )
    return CSVSource(path, handle, reader, [h.strip() for h in header], lines)


def count_rows(path: Path) -> int:
    with path.open("rb") as f:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1)
