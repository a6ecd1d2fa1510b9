"""The cookbook's test suite: every chapter replayed, plus the engine's tests."""

from pathlib import Path

import pytest

from messagebus_cookbook.replay import UPDATES, cookbook_sybil

ROOT = Path(__file__).parent

pytest_collect_file = cookbook_sybil(ROOT).pytest()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-examples",
        action="store_true",
        help="rewrite the output of every console block from a real run",
    )


def pytest_configure(config: pytest.Config) -> None:
    UPDATES.enabled = bool(config.getoption("--update-examples"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    for chapter in UPDATES.apply():
        print(f"\nrewrote the console output of {chapter.relative_to(ROOT)}")
