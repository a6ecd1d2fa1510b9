"""Each chapter's download is a project whose own test suite passes."""

import zipfile
from pathlib import Path

import pytest

from messagebus_cookbook.chapters import Book
from messagebus_cookbook.reader_project import ReaderProject, constraints_file
from messagebus_cookbook.sphinx_ext import write_archive

ROOT = Path(__file__).resolve().parents[1]
BOOK = Book(ROOT)


@pytest.mark.parametrize(
    "number", [chapter.number for chapter in BOOK.chapters], ids=lambda n: f"{n:02d}"
)
def test_the_download_after_a_chapter_passes_its_own_tests(
    number: int, tmp_path: Path
) -> None:
    chapter = BOOK.chapter(number)
    archive = write_archive(BOOK, chapter, tmp_path / "downloads")
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        opened.extractall(tmp_path / "unpacked")
    top = "reading-club"
    assert sorted(names) == sorted(
        f"{top}/{caption}" for caption in BOOK.files_after(number)
    )

    project = ReaderProject(tmp_path / "unpacked" / top, constraints_file(ROOT))
    install = project.run("python -m pip install -q -e '.[dev]' && echo installed")
    assert install.strip().endswith("installed"), install
    output = project.run("pytest -q -p no:cacheprovider; echo exit=$?")
    has_tests = any(
        caption.startswith("tests/test_") for caption in BOOK.files_after(number)
    )
    assert output.strip().endswith("exit=0" if has_tests else "exit=5"), output
