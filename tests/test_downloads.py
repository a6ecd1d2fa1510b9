"""Each chapter's download is the project its replay tested, and it installs.

The archive must hold exactly the reader's files after the chapter, byte for
byte. When the chapter's last run of the project's whole test suite is
green, and the chapter installs nothing after it and writes only files that
no test or package reads (Markdown, benchmarks: the test checks that no code
names them), the replay has already tested these very files with the same
pip install (the chapter that wrote the last ``pyproject.toml`` ran it
literally): the content check is the proof, and a second run of the slowest
suites would prove nothing new. Otherwise the download is installed here as
its reader installs it and its suite runs.
"""

import zipfile
from pathlib import Path

import pytest

from messagebus_cookbook.chapters import Book
from messagebus_cookbook.reader_project import ReaderProject, constraints_file
from messagebus_cookbook.sphinx_ext import write_archive

ROOT = Path(__file__).resolve().parents[1]
BOOK = Book(ROOT)
INSTALL = "python -m pip install -q -e '.[dev]'"


@pytest.mark.parametrize(
    "number", [chapter.number for chapter in BOOK.chapters], ids=lambda n: f"{n:02d}"
)
def test_the_download_after_a_chapter_is_the_tested_project(
    number: int, tmp_path: Path, unpack_folder: Path
) -> None:
    chapter = BOOK.chapter(number)
    archive = write_archive(BOOK, chapter, tmp_path / "downloads")
    with zipfile.ZipFile(archive) as opened:
        unpacked = {
            name: opened.read(name).decode("utf-8")
            for name in opened.namelist()
            if not name.endswith("/")
        }
        opened.extractall(unpack_folder)
    top = "reading-club"
    expected = {
        f"{top}/{caption}": include.text
        for caption, include in BOOK.files_after(number).items()
    }
    assert sorted(unpacked) == sorted(expected)
    assert unpacked == expected

    if chapter.ends_with_whole_suite():
        # What the chapter writes after that run must stay out of its reach.
        for caption in chapter.written_after_whole_suite() or []:
            name = caption.split("/")[0]
            readers = [
                path
                for path, text in expected.items()
                if path.startswith((f"{top}/src/", f"{top}/tests/"))
                or path == f"{top}/pyproject.toml"
                if name in text
            ]
            assert not readers, f"{caption} is written after the suite ran: {readers}"
        return
    project = ReaderProject(unpack_folder / top, constraints_file(ROOT))
    try:
        project.preinstall(INSTALL)
        install = project.run(f"{INSTALL} && echo installed")
        assert install.strip().endswith("installed"), install
        output = project.run("pytest -q -p no:cacheprovider; echo exit=$?")
        has_tests = any(
            caption.startswith("tests/test_") for caption in BOOK.files_after(number)
        )
        assert output.strip().endswith("exit=0" if has_tests else "exit=5"), output
    finally:
        project.stop_strays()
