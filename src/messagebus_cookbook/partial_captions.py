"""What part of a file a block shows, said in its caption.

A ``literalinclude`` captioned with a reader's path may show only part of
that file (``:pyobject:``, or ``:start-after:``/``:end-before:`` markers).
The caption in the rst stays the bare path, which the replay writes; the
rendered caption gets a suffix built from the include's options, so a
reader never takes a part for the whole file:
``tests/conftest.py — class InMemoryBookRepository only``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from pathlib import Path

SEPARATOR = " — "
# Words and comment marks around a marker's label: "# [start relay]" -> "relay".
MARKER_NOISE = re.compile(r"(?i)\b(?:start|begin|end|stop)\b|[#\[\]:<>/*]+|-{2,}")


def object_kind(source: str, dotted: str) -> str | None:
    """``class``, ``function`` or ``method`` for a ``:pyobject:`` path."""
    try:
        body: list[ast.stmt] = ast.parse(source).body
    except SyntaxError:
        return None
    kind: str | None = None
    for name in dotted.split("."):
        found = next(
            (
                node
                for node in body
                if isinstance(
                    node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
                )
                and node.name == name
            ),
            None,
        )
        if found is None:
            return None
        if isinstance(found, ast.ClassDef):
            kind = "class"
        else:
            kind = "method" if kind == "class" else "function"
        body = found.body
    return kind


def marker_label(start: str, end: str) -> str | None:
    """The label two markers share, e.g. ``# [start relay]``/``# [end relay]``."""
    first = " ".join(MARKER_NOISE.sub(" ", start).split())
    last = " ".join(MARKER_NOISE.sub(" ", end).split())
    return first if first and first == last else None


def part_label(options: Mapping[str, str], source: str | None = None) -> str | None:
    """What part the options show, or ``None`` when they show the whole file.

    ``source`` is the file's text, to tell a class from a function.
    """
    if "pyobject" in options:
        name = options["pyobject"]
        kind = object_kind(source, name) if source is not None else None
        return f"{kind} {name} only" if kind else f"{name} only"
    start = options.get("start-after") or options.get("start-at")
    end = options.get("end-before") or options.get("end-at")
    # A line named by start-after or end-before is not shown: say so.
    after = "just after " if "start-after" in options else ""
    before = "just before " if "end-before" in options else ""
    if start and end:
        label = marker_label(start, end)
        if label:
            return f"part “{label}” only"
        return f"from {after}“{start}” to {before}“{end}”"
    if start:
        return f"from {after}“{start}” to the end"
    if end:
        return f"from the start to {before}“{end}”"
    if "lines" in options:
        return "part only"
    return None


def part_suffix(options: Mapping[str, str], example: Path) -> str | None:
    """The caption's suffix for an include of ``example``, or ``None``."""
    source = (
        example.read_text(encoding="utf-8")
        if "pyobject" in options and example.suffix == ".py"
        else None
    )
    label = part_label(options, source)
    return f"{SEPARATOR}{label}" if label else None


def shows_whole_file(options: Mapping[str, str]) -> bool:
    """Whether an include with these options shows its file line for line."""
    added = ("prepend", "append", "diff")
    return part_label(options) is None and not any(name in options for name in added)
