"""Find, and rewrite, the ``:emphasize-lines:`` that no longer mark the change.

A change to one reader file in an early chapter moves the lines of every
later version of that file, and with them the highlights of every later
chapter. The replay says which highlight is wrong, one at a time; this finds
them all at once, from the same diffs, and can write the right values in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from messagebus_cookbook.chapters import Book, Include
from messagebus_cookbook.highlights import (
    changed_lines,
    declared_highlights,
    displayed_part,
    expected_highlights,
    format_spec,
)

EMPHASIZE_OPTION = re.compile(r"^(?P<indent>[ \t]+):emphasize-lines:.*\n", re.M)
CAPTION_OPTION = re.compile(r"^(?P<indent>[ \t]+):caption:.*\n", re.M)


@dataclass(frozen=True)
class HighlightFix:
    """An include whose highlights differ from what its diff marks."""

    include: Include
    declared: str
    expected: str

    def __str__(self) -> str:
        return (
            f"{self.include.location} {self.include.caption}: declares "
            f"{self.declared or 'none'}, the change is {self.expected or 'none'}"
        )


def wrong_highlights(book: Book) -> list[HighlightFix]:
    """Every include of the book whose highlights do not mark its change.

    Left to the replay, which explains those: includes whose example is
    missing or whose shown part is gone, and first versions, which may
    follow a file that a command wrote (``alembic revision``).
    """
    fixes = []
    for chapter in book.chapters:
        for include in chapter.includes:
            if not include.example.is_file():
                continue
            try:
                part = displayed_part(include.example, include.options)
            except ValueError:
                continue
            previous = book.previous_version(include)
            if previous is None:
                continue
            changed = changed_lines(previous.text, include.text)
            expected = format_spec(expected_highlights(changed, part))
            spec = include.options.get("emphasize-lines")
            declared = format_spec(declared_highlights(spec, len(part.lines)))
            if expected != declared:
                fixes.append(HighlightFix(include, (spec or "").strip(), expected))
    return fixes


def rewrite_highlights(fixes: list[HighlightFix]) -> list[Path]:
    """Write the expected highlights into the chapters; the chapters changed."""
    by_chapter: dict[Path, list[HighlightFix]] = {}
    for fix in fixes:
        by_chapter.setdefault(fix.include.location.chapter, []).append(fix)
    for path, chapter_fixes in by_chapter.items():
        text = path.read_text(encoding="utf-8")
        # From the end: an edit never moves the offsets of those still to do.
        for fix in sorted(chapter_fixes, key=lambda fix: -fix.include.start):
            start, end = fix.include.start, fix.include.end
            text = text[:start] + with_highlights(text[start:end], fix) + text[end:]
        path.write_text(text, encoding="utf-8")
    return sorted(by_chapter)


def with_highlights(directive: str, fix: HighlightFix) -> str:
    """A literalinclude's source with its ``:emphasize-lines:`` rewritten."""
    option = EMPHASIZE_OPTION.search(directive)
    if option is not None:
        new_line = (
            f"{option['indent']}:emphasize-lines: {fix.expected}\n"
            if fix.expected
            else ""
        )
        return directive[: option.start()] + new_line + directive[option.end() :]
    caption = CAPTION_OPTION.search(directive)
    if caption is None:
        raise ValueError(f"{fix.include.location}: a literalinclude without caption")
    new_line = f"{caption['indent']}:emphasize-lines: {fix.expected}\n"
    return directive[: caption.end()] + new_line + directive[caption.end() :]
