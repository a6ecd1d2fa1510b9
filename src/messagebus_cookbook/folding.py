"""Folds: the runs of unchanged lines a reader may skip in a long file.

A block that shows again a whole file the reader already has keeps in view
the lines that changed (the lines the chapter highlights, from
``highlights.changed_lines``), the place of each deletion, and a few lines
of context around them. Longer runs of unchanged lines fold in the browser
behind a button that unfolds them. A file's first version never folds, and
neither does a file in which nothing changed: there is nothing to point at.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from messagebus_cookbook.highlights import changed_lines

# Lines shown before and after each change.
CONTEXT = 3
# A run shorter than this stays in view: a button would hide next to nothing.
MIN_FOLDED = 8


@dataclass(frozen=True)
class Fold:
    """File lines ``first`` to ``last`` (from 1, both included) fold away."""

    first: int
    last: int

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def __str__(self) -> str:
        return f"{self.first}-{self.last}"


def change_anchors(previous: str, current: str) -> set[int]:
    """Lines of ``current`` that must stay in view: changes, and deletions.

    A deletion leaves no line of its own, so the lines on both sides of
    where it was stand for it; so does a change made of blank lines only,
    which ``changed_lines`` leaves out.
    """
    anchors = changed_lines(previous, current)
    lines = current.splitlines()
    matcher = difflib.SequenceMatcher(a=previous.splitlines(), b=lines, autojunk=False)
    for tag, _, _, start, end in matcher.get_opcodes():
        if tag == "equal" or anchors.intersection(range(start + 1, end + 1)):
            continue
        anchors.update(
            line for line in (start, start + 1, end) if 1 <= line <= len(lines)
        )
    return anchors


def folds(
    previous: str | None,
    current: str,
    *,
    context: int = CONTEXT,
    min_folded: int = MIN_FOLDED,
) -> list[Fold]:
    """The runs of ``current`` to fold, in file order."""
    if previous is None:
        return []
    anchors = change_anchors(previous, current)
    if not anchors:
        return []
    total = len(current.splitlines())
    visible: set[int] = set()
    for line in anchors:
        visible.update(range(line - context, line + context + 1))
    found: list[Fold] = []
    start: int | None = None
    for line in range(1, total + 2):
        if line <= total and line not in visible:
            if start is None:
                start = line
            continue
        if start is not None and line - start >= min_folded:
            found.append(Fold(start, line - 1))
        start = None
    return found


def format_folds(found: Iterable[Fold]) -> str:
    """``[Fold(5, 30), Fold(50, 90)]`` -> ``"5-30,50-90"``, for the browser."""
    return ",".join(str(fold) for fold in found)
