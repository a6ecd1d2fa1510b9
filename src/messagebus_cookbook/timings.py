"""How long each chapter's replay took, for the summary at the end of a run.

Items of one chapter run one after the other on one worker (``--dist
loadfile``), so the sum of their durations is the chapter's replay time.
Of that time, the summary shows apart what went into bringing the project
to the chapter's start (the earlier chapters' files and installs): the
rest is the chapter's own steps, the commands its reader runs. The slowest
of those commands come last, with the line of the chapter that shows them:
where a chapter's time goes, without a profiler.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

# The names under which a test report carries its preparation time, and
# the seconds each of its reader commands took.
PREPARATION = "cookbook_preparation_seconds"
COMMANDS = "cookbook_command_seconds"
# How many of the slowest reader commands the summary lists.
SLOWEST = 5


@dataclass(frozen=True)
class CommandTime:
    """How long one reader command ran, and where the chapter shows it."""

    seconds: float
    where: str
    line: str


@dataclass
class ChapterTimings:
    """Seconds spent per test file; chapters and the engine's tests apart."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    preparation: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    commands: list[CommandTime] = field(default_factory=list)

    def add(
        self,
        nodeid: str,
        duration: float,
        preparation: float = 0.0,
        commands: Iterable[CommandTime] = (),
    ) -> None:
        path = nodeid.split("::", 1)[0]
        self.seconds[path] += duration
        if preparation:
            self.preparation[path] += preparation
        self.commands.extend(commands)

    def chapters(self) -> list[tuple[str, float]]:
        return sorted(
            (path, seconds)
            for path, seconds in self.seconds.items()
            if path.endswith(".rst")
        )

    def lines(self) -> list[str]:
        """The summary: one line per chapter, then the other tests together."""
        chapters = self.chapters()
        if not chapters:
            return []
        width = max(len(path) for path, _ in chapters)
        lines = [
            f"{path:<{width}}  {seconds:6.1f} s"
            f"  (preparation {self.preparation.get(path, 0.0):4.1f} s)"
            for path, seconds in chapters
        ]
        total = sum(seconds for _, seconds in chapters)
        lines.append(f"{'all chapters':<{width}}  {total:6.1f} s")
        others = sum(s for p, s in self.seconds.items() if not p.endswith(".rst"))
        if others:
            lines.append(f"{'other tests':<{width}}  {others:6.1f} s")
        slowest = sorted(self.commands, key=lambda command: -command.seconds)
        if slowest:
            lines.append(f"slowest reader commands (of {len(slowest)}):")
            lines.extend(
                f"{command.seconds:6.1f} s  {command.where}  $ {command.line}"
                for command in slowest[:SLOWEST]
            )
        return lines
