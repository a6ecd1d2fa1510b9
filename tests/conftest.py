"""Fixtures for the engine's own tests: a small book in a temporary folder."""

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

Writer = Callable[[str, str], Path]


@pytest.fixture
def book_root(tmp_path: Path) -> Path:
    (tmp_path / "cookbook").mkdir()
    (tmp_path / "src" / "messagebus_cookbook" / "examples").mkdir(parents=True)
    return tmp_path


@pytest.fixture
def write_chapter(book_root: Path) -> Writer:
    def write(name: str, text: str) -> Path:
        path = book_root / "cookbook" / name
        path.write_text(dedent(text).lstrip())
        return path

    return write


@pytest.fixture
def write_example(book_root: Path) -> Writer:
    def write(name: str, text: str) -> Path:
        path = book_root / "src" / "messagebus_cookbook" / "examples" / name
        path.write_text(dedent(text).lstrip())
        return path

    return write
