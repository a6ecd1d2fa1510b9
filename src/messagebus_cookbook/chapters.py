"""The chapter model: one reading of a chapter's rst, shared by every tool.

A chapter is a list of steps in reading order: *write this file* (a
``literalinclude`` of an example file, captioned with the reader's path) and
*run these commands and expect this output* (a ``console`` code block).
Sybil replays the steps, the CLI exports them, the Sphinx build packs them.
Whatever a chapter does that the contract forbids is kept as a ``Problem``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from sybil import Document, Region
from sybil.parsers.rest.lexers import DirectiveLexer

from messagebus_cookbook.console import Command, parse_console

CHAPTER_NAME = re.compile(r"^(?P<number>\d\d)-(?P<slug>[a-z0-9-]+)\.rst$")
EXAMPLE_NAME = re.compile(
    r"^(?P<chapter>\d\d)_(?P<slug>[a-z0-9_]+)_(?P<step>\d\d)\.\w+$"
)
# A command that runs the reader's whole test suite, selecting nothing out.
WHOLE_SUITE = re.compile(r"^pytest(?: -[vq]+)*$")
# The last line of a pytest run: what it counts.
PYTEST_SUMMARY = re.compile(r"\b(?:passed|failed|errors?|no tests ran)\b")
RED_COUNTS = re.compile(r"\b(?:failed|errors?)\b")
# Reader files no test reads, imports or installs: Markdown at the project's
# root and the benchmarks. A chapter may write them after its last run of
# the whole suite without undoing what that run proved.
OUTSIDE_THE_SUITE = re.compile(r"^(?:[\w.-]+\.md|benchmarks/[\w/.-]+\.py)$")
# Languages a chapter may write inline: everything else comes from a file.
INLINE_LANGUAGES = frozenset({"console", "text"})

ONE_COLON_INCLUDE = re.compile(r"^[ \t]*\.\.[ \t]+literalinclude:(?!:)", re.MULTILINE)
CODE_DIRECTIVE = re.compile(
    r"^[ \t]*\.\.[ \t]+(?:code-block|code|sourcecode)::[ \t]*(?P<language>\S*)",
    re.MULTILINE,
)
LITERAL_BLOCK = re.compile(
    r"^(?![ \t]*\.\.)[^\n]*::[ \t]*\n[ \t]*\n[ \t]+\S", re.MULTILINE
)


@dataclass(frozen=True)
class Location:
    """Where something stands in a chapter, for messages maintainers read."""

    chapter: Path
    line: int

    def __str__(self) -> str:
        return f"{self.chapter.parent.name}/{self.chapter.name}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """Something in a chapter that breaks the cookbook's contract."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class Include:
    """A ``literalinclude``: the reader writes ``example`` at ``caption``."""

    location: Location
    example: Path
    caption: str
    options: Mapping[str, str]
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.example.read_text(encoding="utf-8")

    def __str__(self) -> str:
        return f"{self.location} ({self.example.name} -> {self.caption})"


T = TypeVar("T")


class BadMove(ValueError):
    """A ``mv`` the book cannot follow: it moves nothing, or onto something."""


@dataclass(frozen=True)
class Move:
    """A ``mv`` in a console block: reader's files, or folders of them, moved.

    Either one path to the whole new one, or paths into a folder: then
    ``destination`` ends with ``/``, and each source may end with a pattern.
    """

    location: Location
    sources: tuple[str, ...]
    destination: str

    def apply(self, files: MutableMapping[str, T]) -> None:
        """Move what ``files`` holds at each source, or under it, as ``mv`` does.

        ``files`` maps each reader path to what the book knows of the file.
        """
        command = f"{self.location}: mv {' '.join(self.sources)} {self.destination}"
        moved: dict[str, str] = {}
        for source in self.sources:
            found = self.targets(source, files)
            if not found:
                raise BadMove(f"{command}: the reader has no {source} to move")
            moved.update(found)
        new = set(moved.values())
        taken = [
            path
            for path in files
            if path not in moved
            and (
                path in new
                or (
                    not self.destination.endswith("/")
                    and path.startswith(self.destination + "/")
                )
            )
        ]
        if taken:
            # mv would put the source inside a folder, or over a file: the
            # page must name the whole new path of something new.
            raise BadMove(
                f"{command}: the reader already has {taken[0]}; "
                "name the whole new path, where nothing is"
            )
        for old in moved:
            files[moved[old]] = files.pop(old)

    def targets(self, source: str, files: Mapping[str, T]) -> dict[str, str]:
        """Each path of ``files`` that ``source`` moves -> its new path."""
        if not self.destination.endswith("/"):
            return {
                path: self.destination + path[len(source) :]
                for path in files
                if path == source or path.startswith(source + "/")
            }
        parent, _, pattern = source.rpartition("/")
        prefix = f"{parent}/" if parent else ""
        found = {}
        for path in files:
            if not path.startswith(prefix):
                continue
            inner = path[len(prefix) :]
            name = inner.split("/", 1)[0]
            # The shell's patterns match no hidden name unless they say so.
            hidden = name.startswith(".") and not pattern.startswith(".")
            if fnmatch.fnmatchcase(name, pattern) and not hidden:
                found[path] = self.destination + inner
        return found


Change = tuple[str, Include | None] | Move


@dataclass(frozen=True)
class Console:
    """A ``console`` block: commands the reader runs, with their output."""

    location: Location
    commands: tuple[Command, ...]
    start: int
    source_start: int
    end: int
    indent: str

    def __str__(self) -> str:
        return f"{self.location} (console: {', '.join(c.line for c in self.commands)})"


Step = Include | Console


@dataclass
class Chapter:
    """A chapter's steps and problems, read once from its rst."""

    path: Path
    number: int
    slug: str
    text: str
    steps: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def includes(self) -> Iterator[Include]:
        return (step for step in self.steps if isinstance(step, Include))

    @property
    def consoles(self) -> Iterator[Console]:
        return (step for step in self.steps if isinstance(step, Console))

    def files(self) -> dict[str, Include]:
        """The last version of each reader file this chapter writes."""
        return {include.caption: include for include in self.includes}

    def changes(self) -> Iterator[Change]:
        """What the chapter does to the reader's files, in reading order.

        Each file it writes with its version, each file it removes (``rm``
        in a console block) with None, and each ``mv`` as a :class:`Move`.
        """
        for step in self.steps:
            if isinstance(step, Include):
                yield step.caption, step
                continue
            for command in step.commands:
                for path in command.removes:
                    yield path, None
                if command.moves is not None:
                    *sources, destination = command.moves
                    yield Move(step.location, tuple(sources), destination)

    def apply(self, files: dict[str, Include]) -> None:
        """Change ``files``, the reader's files before the chapter, as it does."""
        for change in self.changes():
            if isinstance(change, Move):
                change.apply(files)
                continue
            path, include = change
            if include is None:
                files.pop(path, None)
            else:
                files[path] = include

    def ends_with_whole_suite(self) -> bool:
        """Has the replay run the whole test suite, green, on the files it leaves?

        True when the chapter's last run of the whole suite is green, selects
        nothing out, and what follows it installs nothing and writes only
        files the suite never reads (``OUTSIDE_THE_SUITE``): then the
        replay has tested the project exactly as the chapter leaves it.
        """
        written_after = self.written_after_whole_suite()
        return written_after is not None and all(
            OUTSIDE_THE_SUITE.match(caption) for caption in written_after
        )

    def written_after_whole_suite(self) -> list[str] | None:
        """The files written after the last green run of the whole suite.

        None when there is no such run, or when a later command installs.
        """
        after: list[str] = []
        for step in reversed(self.steps):
            if isinstance(step, Include):
                after.append(step.caption)
                continue
            for command in reversed(step.commands):
                after.extend(command.removes)
                after.extend(command.moves or ())
                if WHOLE_SUITE.match(command.line):
                    summary = command.expected.splitlines()[-1:] or [""]
                    green = PYTEST_SUMMARY.search(summary[0]) and not (
                        RED_COUNTS.search(summary[0])
                    )
                    return after[::-1] if green else None
                if command.is_setup:
                    return None
        return None


def read_chapter(path: Path, text: str | None = None) -> Chapter:
    """Read a chapter's steps and problems from its rst."""
    path = path.absolute()
    match = CHAPTER_NAME.match(path.name)
    if match is None:
        raise ValueError(f"{path.name}: a chapter is named NN-slug.rst")
    if text is None:
        text = path.read_text(encoding="utf-8")
    chapter = Chapter(path, int(match["number"]), match["slug"], text)
    document = Document(text, str(path))

    def location(offset: int) -> Location:
        return Location(path, text.count("\n", 0, offset) + 1)

    for region in DirectiveLexer("literalinclude")(document):
        chapter.steps.append(_read_include(chapter, region, location(region.start)))
    for region in DirectiveLexer("code-block")(document):
        if region.lexemes.get("arguments") == "console":
            chapter.steps.append(_read_console(region, text, location(region.start)))
    chapter.steps.sort(key=lambda step: step.location.line)

    for found in ONE_COLON_INCLUDE.finditer(text):
        chapter.problems.append(
            Problem(
                location(found.start()),
                "'.. literalinclude:' has one colon: rst reads it as a comment "
                "and the reader sees nothing; write '.. literalinclude::'",
            )
        )
    for found in CODE_DIRECTIVE.finditer(text):
        language = found["language"]
        if language not in INLINE_LANGUAGES:
            chapter.problems.append(
                Problem(
                    location(found.start()),
                    f"inline code block ({language or 'no language'}): code "
                    "comes from an example file through '.. literalinclude::'",
                )
            )
    for found in LITERAL_BLOCK.finditer(text):
        chapter.problems.append(
            Problem(
                location(found.start()),
                "literal block ('::'): code comes from an example file "
                "through '.. literalinclude::'",
            )
        )
    chapter.problems.extend(_numbering_problems(chapter))
    chapter.problems.sort(key=lambda problem: problem.location.line)
    return chapter


def _read_include(chapter: Chapter, region: Region, where: Location) -> Include:
    options: dict[str, str] = dict(region.lexemes["options"])
    argument = str(region.lexemes.get("arguments") or "").strip()
    return Include(
        location=where,
        example=(chapter.path.parent / argument).resolve(),
        caption=options.get("caption", "").strip(),
        options=options,
        start=region.start,
        end=region.end,
    )


def _read_console(region: Region, text: str, where: Location) -> Console:
    source = region.lexemes["source"]
    source_start = region.start + source.offset
    raw = text[source_start : region.end]
    indent_match = re.search(r"^([ \t]+)\S", raw, re.MULTILINE)
    return Console(
        location=where,
        commands=tuple(parse_console(str(source))),
        start=region.start,
        source_start=source_start,
        end=region.end,
        indent=indent_match[1] if indent_match else "   ",
    )


def _numbering_problems(chapter: Chapter) -> Iterator[Problem]:
    """Each include must name its caption and follow the example numbering."""
    seen: list[Path] = []
    for include in chapter.includes:
        if not include.caption:
            yield Problem(
                include.location,
                f"literalinclude of {include.example.name} has no :caption:; "
                "the caption is the file's path in the reader's project",
            )
        if "lines" in include.options:
            yield Problem(
                include.location,
                f"literalinclude of {include.example.name} uses :lines:; "
                "use :pyobject: or :start-after:/:end-before: markers, which "
                "follow the code when it changes",
            )
        if not include.example.is_file():
            yield Problem(
                include.location, f"example file {include.example} does not exist"
            )
        name = EXAMPLE_NAME.match(include.example.name)
        if name is None:
            yield Problem(
                include.location,
                f"{include.example.name}: an example file is named NN_slug_MM.ext",
            )
            continue
        if int(name["chapter"]) != chapter.number:
            yield Problem(
                include.location,
                f"{include.example.name} belongs to chapter {name['chapter']}, "
                f"not to chapter {chapter.number:02d}",
            )
        if include.example in seen:
            continue
        seen.append(include.example)
        if int(name["step"]) != len(seen):
            yield Problem(
                include.location,
                f"{include.example.name} is the example number {len(seen):02d} "
                "of this chapter in reading order; rename it to "
                f"{name['chapter']}_{name['slug']}_{len(seen):02d}"
                f"{include.example.suffix}",
            )


@dataclass(frozen=True)
class Book:
    """Every chapter of the cookbook, in reading order."""

    root: Path

    @cached_property
    def chapters(self) -> list[Chapter]:
        paths = sorted((self.root / "cookbook").glob("[0-9][0-9]-*.rst"))
        return [read_chapter(path) for path in paths]

    def chapter(self, number: int) -> Chapter:
        for chapter in self.chapters:
            if chapter.number == number:
                return chapter
        raise LookupError(f"no chapter {number:02d} in {self.root / 'cookbook'}")

    def files_after(self, number: int) -> dict[str, Include]:
        """The reader's files as they stand after chapter ``number``."""
        files: dict[str, Include] = {}
        for chapter in self.chapters:
            if chapter.number > number:
                break
            chapter.apply(files)
        return files

    def commands_before(self, number: int) -> list[Command]:
        """The set-up commands (installs) of the chapters before ``number``."""
        return [
            command
            for chapter in self.chapters
            if chapter.number < number
            for console in chapter.consoles
            for command in console.commands
            if command.is_setup
        ]

    def history(self, caption: str) -> list[Include]:
        """Every version of one reader file, in reading order."""
        return [
            include
            for chapter in self.chapters
            for include in chapter.includes
            if include.caption == caption
        ]

    def previous_version(self, include: Include) -> Include | None:
        """The version of the same reader file that the reader had before.

        A file moved with ``mv`` keeps its versions. None for a file new to
        the reader, or new again after a chapter removed it.
        """
        versions: dict[str, list[Include]] = {}
        for chapter in self.chapters:
            for change in chapter.changes():
                if isinstance(change, Move):
                    change.apply(versions)
                    continue
                path, version = change
                if version is None:
                    versions.pop(path, None)
                elif version.location == include.location:
                    earlier = [
                        before
                        for before in versions.get(path, [])
                        if before.example != include.example
                    ]
                    return earlier[-1] if earlier else None
                else:
                    versions.setdefault(path, []).append(version)
        return None

    def orphan_examples(self) -> list[Path]:
        """Example files that no chapter includes."""
        included = {
            include.example for chapter in self.chapters for include in chapter.includes
        }
        examples = self.root / "src" / "messagebus_cookbook" / "examples"
        return sorted(
            path
            for path in examples.iterdir()
            if path.is_file() and path.name != "__init__.py" and path not in included
        )
