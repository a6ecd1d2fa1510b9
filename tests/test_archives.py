import zipfile
from pathlib import Path

from messagebus_cookbook.archives import (
    TOP,
    archive_bytes,
    write_archives,
    write_if_changed,
)
from messagebus_cookbook.chapters import Book
from tests.conftest import Writer

FILES = {"src/b.py": "b = 1\n", "pyproject.toml": "[project]\n", "src/a.py": "a\n"}


def test_the_archive_unpacks_into_reading_club(tmp_path: Path) -> None:
    path = tmp_path / "project.zip"
    path.write_bytes(archive_bytes(FILES))
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == [
            f"{TOP}/pyproject.toml",
            f"{TOP}/src/a.py",
            f"{TOP}/src/b.py",
        ]
        assert archive.read(f"{TOP}/src/b.py") == b"b = 1\n"
        assert {info.date_time for info in archive.infolist()} == {
            (2026, 1, 1, 0, 0, 0)
        }
        assert {info.external_attr >> 16 for info in archive.infolist()} == {0o100644}
    assert TOP == "reading-club"


def test_the_same_files_give_the_same_bytes() -> None:
    shuffled = dict(reversed(list(FILES.items())))
    assert archive_bytes(FILES) == archive_bytes(shuffled)
    assert archive_bytes(FILES) != archive_bytes({**FILES, "src/a.py": "a = 2\n"})


def test_a_file_is_rewritten_only_when_its_bytes_change(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "project.zip"
    assert write_if_changed(path, b"one")
    before = path.stat().st_mtime_ns
    assert not write_if_changed(path, b"one")
    assert path.stat().st_mtime_ns == before
    assert write_if_changed(path, b"two")
    assert path.read_bytes() == b"two"


def test_a_build_rewrites_only_the_chapters_whose_project_changed(
    write_chapter: Writer, write_example: Writer, tmp_path: Path
) -> None:
    first = write_example("00_start_01.py", "a = 1\n")
    write_example("01_next_01.py", "b = 1\n")
    chapter = write_chapter(
        "00-start.rst",
        "Start\n=====\n\n.. literalinclude:: "
        "../src/messagebus_cookbook/examples/00_start_01.py\n   :caption: src/a.py\n",
    )
    write_chapter(
        "01-next.rst",
        "Next\n====\n\n.. literalinclude:: "
        "../src/messagebus_cookbook/examples/01_next_01.py\n   :caption: src/b.py\n",
    )
    root = chapter.parents[1]
    out = tmp_path / "out"
    assert len(write_archives(Book(root), out)) == 2
    assert write_archives(Book(root), out) == []
    first.write_text("a = 2\n")
    rewritten = write_archives(Book(root), out)
    # Both projects hold src/a.py: both change.
    assert [path.name for path in rewritten] == [
        "reading-club-after-chapter-00.zip",
        "reading-club-after-chapter-01.zip",
    ]
