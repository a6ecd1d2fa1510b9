"""Console blocks: the commands a reader types and the output they see.

A console block is a list of ``$ command`` lines, each followed by its
output. The replay runs each command and compares its real output with the
block. What legitimately varies between two runs (durations, object
addresses, versions in pytest's header, the project's absolute path) is
masked on both sides before the comparison, and a line or part of a line
written ``...`` matches anything. Nothing else is forgiven.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

PROMPT = "$ "
WILDCARD = "..."
# Commands that prepare the reader's environment: a replay that starts at a
# later chapter runs them again so the project is installed as the reader's is.
SETUP_COMMAND = re.compile(r"^python3? -m (?:pip install\b|venv \.venv$)")
# Where the reader's project lives in the outputs the chapters show.
READER_FOLDER = "reading-club"
READER_ROOT = f"/home/reader/{READER_FOLDER}"

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    # pytest's header names the interpreter, plugins and their versions.
    (re.compile(r"^(platform|plugins:|asyncio:) .*$", re.MULTILINE), r"\1 <masked>"),
    # pytest's rulers are padded to the width of the text they frame.
    (re.compile(r"={3,}"), "==="),
    (re.compile(r"_{3,}"), "___"),
    (re.compile(r"-{3,}"), "---"),
    # pytest adds "(0:01:03)" to a run of a minute or more: part of the duration.
    (re.compile(r"\b\d+(?:\.\d+)?s\b(?: \(\d+:\d\d:\d\d\))?"), "<duration>"),
    (re.compile(r"\(\d+:\d\d:\d\d\)"), "(<duration>)"),
    (re.compile(r"0x[0-9a-fA-F]+"), "0x<address>"),
    (re.compile(r"\bpython3\.\d+\b"), "python3.<minor>"),
    (re.compile(r"[ \t]+$", re.MULTILINE), ""),
)


@dataclass(frozen=True)
class Command:
    """One ``$`` line of a console block and the output shown under it."""

    line: str
    expected: str

    @property
    def is_setup(self) -> bool:
        return SETUP_COMMAND.match(self.line) is not None


def parse_console(source: str) -> Iterator[Command]:
    """Split a console block into its commands and their expected outputs."""
    line: str | None = None
    output: list[str] = []
    for text in source.rstrip().splitlines():
        if text.startswith(PROMPT):
            if line is not None:
                yield Command(line, _join(output))
            line, output = text[len(PROMPT) :].strip(), []
        elif line is None:
            raise ValueError(f"console block starts without a '$ ' prompt: {text!r}")
        else:
            output.append(text)
    if line is not None:
        yield Command(line, _join(output))


def render_console(commands: Iterable[Command]) -> str:
    """The text of a console block, as :func:`parse_console` reads it."""
    parts: list[str] = []
    for command in commands:
        parts.append(PROMPT + command.line)
        if command.expected:
            parts.append(command.expected)
    return "\n".join(parts) + "\n"


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n")


def canonical(output: str, project_root: str) -> str:
    """The output as the chapters show it: no colours, the reader's paths."""
    output = ANSI_ESCAPE.sub("", output).replace(project_root, READER_ROOT)
    # Before the project's folder exists, the reader stands in its parent.
    parent = project_root.rsplit("/", 1)[0]
    if parent:
        output = output.replace(parent + "/", READER_ROOT.rsplit("/", 1)[0] + "/")
    return "\n".join(line.rstrip() for line in output.splitlines()).strip("\n")


def mask(text: str) -> str:
    """Blank out what legitimately varies from one run to the next."""
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def matches(expected: str, actual: str) -> bool:
    """Does the real output match the block, ``...`` being a wildcard?

    A line ``...`` matches any number of lines, ``...`` inside a line any
    text within that line. The match walks the output once for each line of
    the block, with plain string searches: no regular expression, which
    backtracks without end on a long output that does not match.
    """
    wanted = mask(expected).splitlines() if expected else []
    lines = mask(actual).splitlines() if actual else []
    # The positions in ``lines`` where the rest of the block may start.
    starts = {0}
    for line in wanted:
        if not starts:
            return False
        if line.strip() == WILDCARD:
            starts = set(range(min(starts), len(lines) + 1))
            continue
        starts = {
            start + 1
            for start in starts
            if start < len(lines) and line_matches(line, lines[start])
        }
    return len(lines) in starts


def line_matches(expected: str, actual: str) -> bool:
    """Does one line match, each ``...`` in it standing for any text?"""
    if WILDCARD not in expected:
        return expected == actual
    first, *middle, last = expected.split(WILDCARD)
    if len(actual) < len(first) + len(last):
        return False
    if not (actual.startswith(first) and actual.endswith(last)):
        return False
    position, end = len(first), len(actual) - len(last)
    for piece in middle:  # the leftmost place of each piece leaves most room
        found = actual.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


class _MaskedLine(str):
    """A line that compares as its masked form, so the diff skips noise."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and mask(self) == mask(other)

    def __hash__(self) -> int:
        return hash(mask(self))


def explain_mismatch(expected: str, actual: str) -> str:
    """A unified diff of the block against the real output.

    Lines that differ only in what :func:`mask` blanks out (an address, a
    duration) count as equal, so the diff shows only what matters.
    """
    diff = difflib.unified_diff(
        [_MaskedLine(line) for line in expected.splitlines()],
        [_MaskedLine(line) for line in actual.splitlines()],
        fromfile="shown in the chapter",
        tofile="real output",
        lineterm="",
    )
    return "\n".join(diff)
