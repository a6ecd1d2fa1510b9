"""Sybil replays each chapter as its reader follows it.

One Sybil item per step of a chapter, in reading order, plus a first item
that checks the chapter keeps the contract (captions, no inline code, the
numbering of its example files). A chapter's replay starts from the
project as the earlier chapters leave it, so any chapter runs alone and
chapters run in parallel (``pytest -n auto --dist loadfile``).
"""

from __future__ import annotations

import ast
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomllib
from sybil import Document, Example, Region, Sybil

from messagebus_cookbook.chapters import Book, Chapter, Console, Include, read_chapter
from messagebus_cookbook.console import (
    READER_FOLDER,
    Command,
    canonical,
    explain_mismatch,
    matches,
    render_console,
    unmasked_figures,
    updated_output,
)
from messagebus_cookbook.highlights import (
    changed_lines,
    declared_highlights,
    displayed_part,
    expected_highlights,
    format_spec,
)
from messagebus_cookbook.reader_project import (
    ReaderProject,
    constraints_file,
    prepare,
)
from messagebus_cookbook.replay_caches import CACHES
from messagebus_cookbook.timings import CommandTime

PROJECT_KEY = "reader_project"
# Each reader file's version written last in the chapter, and the text before it.
VERSIONS_KEY = "written_versions"
CHAPTER_KEY = "chapter_number"


class ChapterChanged(RuntimeError):
    """A chapter changed on disk while its outputs were being replayed."""


@dataclass
class Updates:
    """Console blocks rewritten from real runs, applied when the run ends.

    Each edit is an offset range of the chapter's text as the run read it.
    Applied to any other text, the offsets would cut prose apart, so a
    chapter edited during the run is left alone and reported.
    """

    enabled: bool = False
    pending: dict[Path, list[tuple[int, int, str]]] = field(default_factory=dict)
    read: dict[Path, str] = field(default_factory=dict)
    # Lines written with their figures into blocks that mask figures.
    unmasked: list[str] = field(default_factory=list)

    def add(
        self, chapter: Path, start: int, end: int, text: str, original: str
    ) -> None:
        self.read.setdefault(chapter, original)
        self.pending.setdefault(chapter, []).append((start, end, text))

    def apply(self) -> list[Path]:
        rewritten = []
        changed = []
        for chapter, edits in self.pending.items():
            text = chapter.read_text(encoding="utf-8")
            if text != self.read[chapter]:
                changed.append(chapter)
                continue
            for start, end, replacement in sorted(edits, reverse=True):
                text = text[:start] + replacement + text[end:]
            chapter.write_text(text, encoding="utf-8")
            rewritten.append(chapter)
        self.pending.clear()
        self.read.clear()
        if changed:
            names = ", ".join(path.name for path in changed)
            raise ChapterChanged(
                f"{names} changed during the run: outputs not rewritten; "
                "run --update-examples again"
            )
        return rewritten


UPDATES = Updates()


@dataclass
class StepTimes:
    """What a step spent preparing the project, and on each reader command.

    The test report of the step takes them, and they start again from zero.
    """

    preparation: float = 0.0
    commands: list[CommandTime] = field(default_factory=list)

    def take(self) -> tuple[float, list[CommandTime]]:
        taken = self.preparation, self.commands
        self.preparation, self.commands = 0.0, []
        return taken


STEP_TIMES = StepTimes()


def failure(step: Include | Console, summary: str, details: str = "") -> str:
    """The message a maintainer reads when a step does not hold."""
    message = f"{step}\n{summary}"
    return f"{message}\n\n{details}" if details else message


class ChapterParser:
    """Turns a chapter into Sybil regions, from the shared chapter model."""

    def __init__(self, book: Book) -> None:
        self.book = book

    def __call__(self, document: Document) -> Iterator[Region]:
        chapter = read_chapter(Path(document.path), document.text)
        document.namespace[CHAPTER_KEY] = chapter.number
        # The contract item comes first, unless a step leaves no room before it.
        starts_with_step = any(step.start == 0 for step in chapter.steps)
        at = len(document.text) if starts_with_step else 0
        yield Region(at, at, parsed=chapter, evaluator=check_contract)
        for step in chapter.steps:
            if isinstance(step, Include):
                yield Region(step.start, step.end, parsed=step, evaluator=self.write)
            else:
                yield Region(step.start, step.end, parsed=step, evaluator=self.run)

    def project(self, example: Example) -> ReaderProject:
        """The document's reader project, brought to the chapter's start."""
        namespace = example.namespace
        if PROJECT_KEY not in namespace:
            number: int = namespace[CHAPTER_KEY]
            constraints = constraints_file(self.book.root)
            parent = CACHES.project_parent()
            pycache = CACHES.pycache(constraints) if parent else None
            if parent is None:  # an earlier project is still in the way
                parent = Path(tempfile.mkdtemp(prefix=f"reader-{number:02d}-"))
            # Named as the reader's folder: what a command prints of it matches.
            project = ReaderProject(
                parent / READER_FOLDER,
                constraints,
                mypy_cache=CACHES.mypy,
                pycache=pycache,
            )
            namespace[PROJECT_KEY] = project
            started = time.perf_counter()
            prepare(self.book, number, project)
            STEP_TIMES.preparation += time.perf_counter() - started
        project = namespace[PROJECT_KEY]
        assert isinstance(project, ReaderProject)
        return project

    def write(self, example: Example) -> str | None:
        include: Include = example.parsed
        if not include.caption:
            return failure(include, "no :caption: names the reader's file to write")
        project = self.project(example)
        versions: dict[str, tuple[Path, str | None]] = example.namespace.setdefault(
            VERSIONS_KEY, {}
        )
        shown = versions.get(include.caption)
        if shown is not None and shown[0] == include.example:
            # Another part of the version just written: it changed from the
            # version before that one, not from itself.
            previous = shown[1]
        else:
            previous = project.read(include.caption)
            versions[include.caption] = (include.example, previous)
        problem = check_include(include, previous)
        project.write(include.caption, include.text)
        return problem

    def run(self, example: Example) -> str | None:
        console: Console = example.parsed
        project = self.project(example)
        mismatches: list[str] = []
        real: list[Command] = []
        # Each command runs in a shell of its own, from where the reader
        # stands when the block starts: `mkdir reading-club` then
        # `cd reading-club` work as they do in the reader's one shell.
        cwd = project.cwd
        for command in console.commands:
            if command.is_setup:
                # uv installs the same requirements first, fast; pip, run as
                # the reader types it, then installs only the project itself.
                project.preinstall(command.line)
            started = time.perf_counter()
            output = canonical(project.run(command.line, cwd), str(project.root))
            STEP_TIMES.commands.append(
                CommandTime(
                    time.perf_counter() - started, str(console.location), command.line
                )
            )
            strays = project.stray_processes()
            if strays:
                project.stop_strays()
                return failure(
                    console,
                    f"$ {command.line} left processes running (stopped now):",
                    "\n".join(strays),
                )
            if matches(command.expected, output):
                real.append(command)
                continue
            updated = updated_output(command.expected, output)
            real.append(replace(command, expected=updated))
            for line in unmasked_figures(command.expected, updated):
                UPDATES.unmasked.append(
                    f"{console.location}: $ {command.line}\n  {line}"
                )
            mismatches.append(
                f"$ {command.line}\n{explain_mismatch(command.expected, output)}"
            )
        if not mismatches:
            return None
        if UPDATES.enabled:
            raw = example.document.text[console.source_start : console.end]
            block = indent_block(render_console(real), console.indent)
            block += raw[len(raw.rstrip()) :]
            UPDATES.add(
                console.location.chapter,
                console.source_start,
                console.end,
                block,
                example.document.text,
            )
            return None
        return failure(
            console,
            "the output shown differs from a real run "
            "(rewrite it with: nox -s tests -- --update-examples)",
            "\n\n".join(mismatches),
        )


def indent_block(text: str, indent: str) -> str:
    return "".join(
        indent + line if line.strip() else line
        for line in text.rstrip("\n").splitlines(keepends=True)
    )


def check_contract(example: Example) -> str | None:
    chapter: Chapter = example.parsed
    if not chapter.problems:
        return None
    lines = "\n".join(f"  {problem}" for problem in chapter.problems)
    return f"{chapter.path.name} breaks the cookbook's contract:\n{lines}"


def check_include(include: Include, previous: str | None) -> str | None:
    """The file parses, its shown part exists, its highlights mark the change."""
    if not include.example.is_file():
        return failure(include, f"the example file {include.example} does not exist")
    current = include.text
    problem = syntax_problem(include.caption, current)
    if problem:
        return failure(include, problem)
    try:
        part = displayed_part(include.example, include.options)
    except ValueError as error:
        reason = str(error).split(" in include file ")[0]
        return failure(
            include, f"the part to show is gone from {include.example.name}: {reason}"
        )
    expected = expected_highlights(changed_lines(previous, current), part)
    declared = declared_highlights(
        include.options.get("emphasize-lines"), len(part.lines)
    )
    if expected == declared:
        return None
    wanted = (
        f":emphasize-lines: {format_spec(expected)}"
        if expected
        else "no :emphasize-lines:"
    )
    summary = (
        f"the highlights do not mark what changed in {include.caption}: "
        f"expected {wanted}, the chapter declares "
        f"{format_spec(declared) or 'none'}"
    )
    diff = (
        explain_mismatch(previous or "", current)
        .replace("shown in the chapter", f"{include.caption} before")
        .replace("real output", f"{include.caption} after")
    )
    return failure(include, summary, diff)


def syntax_problem(caption: str, text: str) -> str | None:
    try:
        if caption.endswith(".py"):
            ast.parse(text, filename=caption)
        elif caption.endswith(".toml"):
            tomllib.loads(text)
    except (SyntaxError, tomllib.TOMLDecodeError) as error:
        return f"{caption} does not parse: {error}"
    return None


def teardown(namespace: dict[str, Any]) -> None:
    project = namespace.pop(PROJECT_KEY, None)
    if isinstance(project, ReaderProject):
        project.remove()


def cookbook_sybil(root: Path) -> Sybil:
    """The Sybil that replays every chapter under ``root / 'cookbook'``."""
    return Sybil(
        parsers=[ChapterParser(Book(root))],
        patterns=["[0-9][0-9]-*.rst"],
        path=str(root / "cookbook"),
        teardown=teardown,
    )
