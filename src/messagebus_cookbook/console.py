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
# How alike a shown line and a real line must be for an update to write the
# real one in the shown one's place (difflib's ratio).
SIMILAR = 0.6
# Commands that prepare the reader's environment: a replay that starts at a
# later chapter runs them again so the project is installed as the reader's is.
SETUP_COMMAND = re.compile(r"^python3? -m (?:pip install\b|venv \.venv$)")
# A command that takes files out of the reader's project: ``rm`` of named
# files, without options or patterns, so that the book knows which.
REMOVE_COMMAND = re.compile(r"^rm((?: [\w.][\w./-]*)+)$")
# A command that moves a file or a folder of the reader's project: ``mv``
# (or ``git mv``) of one plain path to the whole new one, without options,
# so that the book knows what went where.
MOVE_COMMAND = re.compile(r"^(?:git )?mv ([\w.][\w./-]*[\w.]) ([\w.][\w./-]*[\w.])$")
# Or of paths into a folder that exists, written with its ``/``: each may
# end with a pattern (``tests/test_*.py``), as the shell expands it.
MOVE_INTO_COMMAND = re.compile(
    r"^(?:git )?mv((?: [\w.*?][\w./*?-]*[\w.*?])+) ([\w.][\w./-]*[\w.]/)$"
)
# Where the reader's project lives in the outputs the chapters show.
READER_FOLDER = "reading-club"
READER_ROOT = f"/home/reader/{READER_FOLDER}"

# A line of pytest's progress: a character per test, then how far it is.
PYTEST_PROGRESS = re.compile(r"^\s*[.sxXfFE]+\s*\[\s*\d+%\]$")
# What pytest-xdist prints first. Its workers report in the order they
# finish: the rows of progress, where an "x" or an "F" falls in them and
# their percentages vary from run to run, while the counts that follow do not.
XDIST_START = "bringing up nodes..."
XDIST_PROGRESS = "<the progress of pytest's workers>"
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
    # A trace's spans: when each one started, and how long it took.
    (re.compile(r"\+?\b\d+(?:\.\d+)? ms\b"), "<milliseconds>"),
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

    @property
    def removes(self) -> tuple[str, ...]:
        """The reader's files this command takes out of the project."""
        found = REMOVE_COMMAND.match(self.line)
        return tuple(found[1].split()) if found else ()

    @property
    def moves(self) -> tuple[str, ...] | None:
        """The reader's paths this command moves, then where to; None if none.

        A destination that ends with ``/`` is a folder the paths go into.
        """
        found = MOVE_COMMAND.match(self.line)
        if found:
            return (found[1], found[2])
        found = MOVE_INTO_COMMAND.match(self.line)
        return (*found[1].split(), found[2]) if found else None


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


def fold_xdist_progress(text: str) -> str:
    """The output, each run of progress rows of pytest-xdist as one line."""
    if XDIST_START not in text:
        return text
    folded: list[str] = []
    for line in text.splitlines():
        if PYTEST_PROGRESS.match(line):
            if not folded or folded[-1] != XDIST_PROGRESS:
                folded.append(XDIST_PROGRESS)
        else:
            folded.append(line)
    return "\n".join(folded)


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
    wanted = mask(fold_xdist_progress(expected)).splitlines() if expected else []
    lines = mask(fold_xdist_progress(actual)).splitlines() if actual else []
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
        [_MaskedLine(line) for line in fold_xdist_progress(expected).splitlines()],
        [_MaskedLine(line) for line in fold_xdist_progress(actual).splitlines()],
        fromfile="shown in the chapter",
        tofile="real output",
        lineterm="",
    )
    return "\n".join(diff)


def unmasked_figures(expected: str, updated: str) -> list[str]:
    """The lines with figures that an update wrote into a block that masks some.

    A block that hides part of a line with ``...`` shows output that changes
    from run to run, as a benchmark's. A line the update wrote there, new or
    rewritten, shows its figures as they ran once: the next run will differ.
    """
    # pytest's progress, a row of dots, is no mask, and its percentage
    # no figure: the same tests give the same rows.
    wanted = [line for line in expected.splitlines() if not PYTEST_PROGRESS.match(line)]
    if not any(WILDCARD in line and line.strip() != WILDCARD for line in wanted):
        return []
    kept = set(wanted)
    return [
        line
        for line in updated.splitlines()
        if line not in kept
        and not PYTEST_PROGRESS.match(line)
        and any(character.isdigit() for character in line)
    ]


def updated_output(expected: str, actual: str) -> str:
    """The real output, written as the block wrote what still holds.

    ``--update-examples`` writes the real output into a block that no longer
    matches. A maintainer may have shortened that block by hand: ``...`` for
    lines or parts of a line that say nothing to the reader. Each line of the
    block that still matches its line of the output stays as it is, and so
    does each ``...`` line; a shown line that changed is replaced by the
    real line most like it, where it stood. The result matches ``actual``.
    """
    wanted = expected.splitlines() if expected else []
    lines = actual.splitlines() if actual else []
    masked_wanted = [mask(line) for line in wanted]
    masked_lines = [mask(line) for line in lines]

    def kept_as_is(i: int, j: int) -> bool:
        return line_matches(masked_wanted[i], masked_lines[j])

    def rewritten(i: int, j: int) -> bool:
        matcher = difflib.SequenceMatcher(None, masked_wanted[i], masked_lines[j])
        return matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR

    rows, columns = len(wanted), len(lines)
    # score[i][j]: how well wanted[i:] can be kept against lines[j:] (a line
    # kept as it is counts 2, a line rewritten in place 1); best[i][j]: the
    # highest score[i][k] for k >= j, where a "..." line may end.
    score = [[0] * (columns + 1) for _ in range(rows + 1)]
    best = [[0] * (columns + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(columns, -1, -1):
            if wanted[i].strip() == WILDCARD:
                score[i][j] = 2 + best[i + 1][j]
            elif j == columns:
                score[i][j] = score[i + 1][j]
            else:
                score[i][j] = max(
                    score[i + 1][j],
                    score[i][j + 1],
                    2 + score[i + 1][j + 1] if kept_as_is(i, j) else 0,
                    1 + score[i + 1][j + 1] if rewritten(i, j) else 0,
                )
            best[i][j] = max(score[i][j], best[i][j + 1] if j < columns else 0)
    result: list[str] = []
    i = j = 0
    while i < rows:
        here = score[i][j]
        if wanted[i].strip() == WILDCARD:
            # The last end that scores best: "..." hides all it can.
            end = max(
                k for k in range(j, columns + 1) if score[i + 1][k] == best[i + 1][j]
            )
            result.append(wanted[i])
            i, j = i + 1, end
        elif j < columns and kept_as_is(i, j) and here == 2 + score[i + 1][j + 1]:
            result.append(wanted[i])
            i, j = i + 1, j + 1
        elif j < columns and rewritten(i, j) and here == 1 + score[i + 1][j + 1]:
            result.append(lines[j])
            i, j = i + 1, j + 1
        elif here == score[i + 1][j]:
            i += 1  # a line of the block that the output no longer has
        else:
            result.append(lines[j])  # a line of the output the block lacks
            j += 1
    result.extend(lines[j:])
    updated = "\n".join(result)
    return updated if matches(updated, actual) else actual
