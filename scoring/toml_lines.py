"""Where things are in a TOML text: the line of a table or a key, for error messages.

tomllib keeps no positions, so the text is read again, line by line. Only lines that start a
table header or a key at table level count; the insides of multi-line strings and of values that
span lines (arrays) are skipped, so their contents are never taken for keys or headers. The text
has already parsed, so the reader may assume valid TOML.
"""

from __future__ import annotations

import re
import tomllib

# A place as the parsed data reaches it: table and key names, and the 1-based index of an
# element of an array of tables, e.g. ("fit", 3, "op") or ("engagement_rule", 2, "where").
TomlPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class TomlLines:
    def __init__(self, text: str) -> None:
        self._lines: dict[TomlPath, int] = {}
        self._arrays: dict[TomlPath, int] = {}  # array of tables -> elements seen so far
        self._scan(text)

    def line(self, path: TomlPath) -> int | None:
        """The line of `path`; for a key that is not written, the line of its table.

        Falls back to the nearest parent that has a line; None when not even the first part
        is found (a top-level mistake without a place of its own).
        """
        for end in range(len(path), 0, -1):
            found = self._lines.get(path[:end])
            if found is not None:
                return found
        return None

    def _scan(self, text: str) -> None:
        table: TomlPath = ()
        value = _Value()  # a value that goes on past the end of its line
        # split on "\n" only, as tomllib counts lines ("\r\n" leaves a "\r" that is blank here)
        for number, line in enumerate(text.split("\n"), 1):
            if value.open:
                value.feed(line, 0)
                continue
            start = len(line) - len(line.lstrip())
            if start == len(line) or line[start] == "#":
                continue
            if line[start] == "[":
                table = self._header(line, start, number) or table
                continue
            parsed = _key(line, start)
            if parsed is None:
                continue
            parts, end = parsed
            for size in range(1, len(parts) + 1):
                self._lines.setdefault(table + tuple(parts[:size]), number)
            if end < len(line) and line[end] == "=":
                value.feed(line, end + 1)

    def _header(self, line: str, start: int, number: int) -> TomlPath | None:
        is_array = line.startswith("[[", start)
        parsed = _key(line, start + (2 if is_array else 1))
        if parsed is None:
            return None
        parts = parsed[0]
        path = (*self._resolve(parts[:-1]), parts[-1])
        for size in range(1, len(path)):
            self._lines.setdefault(path[:size], number)
        if is_array:
            self._lines.setdefault(path, number)  # the array as a whole: its first element
            self._arrays[path] = self._arrays.get(path, 0) + 1
            path += (self._arrays[path],)
        self._lines[path] = number
        return path

    def _resolve(self, parts: list[str]) -> TomlPath:
        """A dotted header name as a path: an array of tables means its latest element."""
        path: TomlPath = ()
        for part in parts:
            path += (part,)
            if path in self._arrays:
                path += (self._arrays[path],)
        return path


def _key(line: str, pos: int) -> tuple[list[str], int] | None:
    """A dotted key (bare or quoted parts) at `pos`: its parts and the position after it."""
    parts: list[str] = []
    while True:
        pos = _skip_blanks(line, pos)
        if pos >= len(line):
            return None
        if line[pos] in "\"'":
            end = _string_end(line, pos)
            if end is None:
                return None
            raw = line[pos:end]
            parts.append(raw[1:-1] if "\\" not in raw else tomllib.loads(f"k = {raw}")["k"])
            pos = end
        else:
            bare = _BARE_KEY.match(line, pos)
            if bare is None:
                return None
            parts.append(bare.group())
            pos = bare.end()
        pos = _skip_blanks(line, pos)
        if pos < len(line) and line[pos] == ".":
            pos += 1
            continue
        return parts, pos


def _skip_blanks(line: str, pos: int) -> int:
    while pos < len(line) and line[pos] in " \t":
        pos += 1
    return pos


def _string_end(line: str, pos: int) -> int | None:
    """The position after the one-line string that opens at `pos`, None if it does not close."""
    quote = line[pos]
    i = pos + 1
    while i < len(line):
        if line[i] == "\\" and quote == '"':
            i += 2
            continue
        if line[i] == quote:
            return i + 1
        i += 1
    return None


class _Value:
    """Follows a value across lines: open brackets and an open multi-line string."""

    def __init__(self) -> None:
        self.depth = 0
        self.string: str | None = None  # the delimiter of an open multi-line string

    @property
    def open(self) -> bool:
        return self.depth > 0 or self.string is not None

    def feed(self, line: str, pos: int) -> None:
        i = pos
        while i < len(line):
            if self.string is not None:
                i = self._in_string(line, i)
                continue
            char = line[i]
            if char == "#":
                return
            if line.startswith('"""', i) or line.startswith("'''", i):
                self.string = line[i : i + 3]
                i += 3
            elif char in "\"'":
                i = _string_end(line, i) or len(line)
            else:
                if char in "[{":
                    self.depth += 1
                elif char in "]}":
                    self.depth -= 1
                i += 1

    def _in_string(self, line: str, i: int) -> int:
        """Skip string content from `i`; close the string at its delimiter."""
        assert self.string is not None
        quote = self.string[0]
        while i < len(line):
            if line[i] == "\\" and quote == '"':
                i += 2
            elif line.startswith(self.string, i):
                i += 3
                # up to two more quotes belong to the content: '''a''''' ends with "a''"
                for _ in range(2):
                    if i < len(line) and line[i] == quote:
                        i += 1
                self.string = None
                return i
            else:
                i += 1
        return i
