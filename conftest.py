"""The cookbook's test suite: every chapter replayed, plus the engine's tests."""

from collections.abc import Generator
from dataclasses import astuple
from pathlib import Path

import pytest

from messagebus_cookbook.replay import (
    STEP_TIMES,
    UPDATES,
    ChapterChanged,
    cookbook_sybil,
)
from messagebus_cookbook.timings import (
    COMMANDS,
    PREPARATION,
    ChapterTimings,
    CommandTime,
)

ROOT = Path(__file__).parent
TIMINGS = ChapterTimings()

pytest_collect_file = cookbook_sybil(ROOT).pytest()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-examples",
        action="store_true",
        help="rewrite the output of every console block from a real run",
    )


def pytest_configure(config: pytest.Config) -> None:
    UPDATES.enabled = bool(config.getoption("--update-examples"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Runs where the item ran (an xdist worker): the report carries the
    # preparation time and the commands' times to the process that prints
    # the summary, as plain values that xdist can send.
    report = yield
    if call.when == "call":
        preparation, commands = STEP_TIMES.take()
        report.user_properties.append((PREPARATION, preparation))
        report.user_properties.append((COMMANDS, [astuple(c) for c in commands]))
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    properties = dict(report.user_properties)
    preparation = properties.get(PREPARATION, 0.0)
    assert isinstance(preparation, float)
    timed = properties.get(COMMANDS, [])
    assert isinstance(timed, list)
    commands = [CommandTime(*command) for command in timed]
    TIMINGS.add(report.nodeid, report.duration, preparation, commands)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = TIMINGS.lines()
    if lines:
        terminalreporter.write_sep("-", "replay time per chapter")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session) -> None:
    try:
        rewritten = UPDATES.apply()
    except ChapterChanged as error:
        print(f"\n{error}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    for chapter in rewritten:
        print(f"\nrewrote the console output of {chapter.relative_to(ROOT)}")
    if rewritten and UPDATES.unmasked:
        print(
            "\nthese lines were written with their figures into blocks that "
            "mask figures: mask those that change from run to run with ...\n"
            + "\n".join(UPDATES.unmasked)
        )
    UPDATES.unmasked.clear()
