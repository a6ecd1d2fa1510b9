"""Highlights: ``:emphasize-lines:`` must mark what changed, nothing else.

The lines a step changes are the lines of the new version of a reader file
that the previous version did not have (added or rewritten lines, found by
a line diff). A chapter may display only part of the file (``:pyobject:``,
``:start-after:``/``:end-before:``); Sphinx numbers highlights from the first
displayed line, and so do we, reading the part exactly as Sphinx does.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sphinx.directives.code import LiteralIncludeReader

# The options that choose which part of the file a literalinclude shows.
SELECTING_OPTIONS = ("pyobject", "start-after", "start-at", "end-before", "end-at")


@dataclass(frozen=True)
class DisplayedPart:
    """The lines a literalinclude shows, and the file line they start at."""

    first_line: int
    lines: list[str]

    @property
    def line_numbers(self) -> range:
        return range(self.first_line, self.first_line + len(self.lines))


def displayed_part(example: Path, options: Mapping[str, str]) -> DisplayedPart:
    """Read the shown part of ``example`` as Sphinx's literalinclude does.

    Raises ``ValueError`` when a ``:pyobject:`` or marker no longer matches.
    """
    selecting: dict[str, Any] = {
        name: options[name] for name in SELECTING_OPTIONS if name in options
    }
    selecting["lineno-match"] = True
    config: Any = SimpleNamespace(source_encoding="utf-8")
    reader = LiteralIncludeReader(example, selecting, config)
    text, _ = reader.read()
    return DisplayedPart(reader.lineno_start, text.splitlines())


def changed_lines(previous: str | None, current: str) -> set[int]:
    """File line numbers (from 1) of ``current`` that ``previous`` lacks.

    Blank lines around a changed run are left out: a highlighted empty line
    at the edge of a change only blurs where the change starts and ends.
    """
    if previous is None:
        return set()
    lines = current.splitlines()
    matcher = difflib.SequenceMatcher(a=previous.splitlines(), b=lines, autojunk=False)
    changed: set[int] = set()
    for tag, _, _, start, end in matcher.get_opcodes():
        if tag not in ("replace", "insert"):
            continue
        while start < end and not lines[start].strip():
            start += 1
        while end > start and not lines[end - 1].strip():
            end -= 1
        changed.update(range(start + 1, end + 1))
    return changed


def expected_highlights(changed: set[int], part: DisplayedPart) -> list[int]:
    """The changed lines, numbered as ``:emphasize-lines:`` counts them."""
    return sorted(
        line - part.first_line + 1 for line in changed if line in part.line_numbers
    )


def declared_highlights(spec: str | None, line_count: int) -> list[int]:
    """The lines an ``:emphasize-lines:`` value marks (from 1)."""
    lines: set[int] = set()
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        first, _, last = part.partition("-")
        start = int(first) if first else 1
        end = (int(last) if last else line_count) if _ else start
        lines.update(range(start, end + 1))
    return sorted(lines)


def format_spec(lines: Iterable[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3,7"``: the shortest ``:emphasize-lines:``."""
    ranges: list[list[int]] = []
    for line in sorted(lines):
        if ranges and line == ranges[-1][1] + 1:
            ranges[-1][1] = line
        else:
            ranges.append([line, line])
    return ",".join(
        str(start) if start == end else f"{start}-{end}" for start, end in ranges
    )
