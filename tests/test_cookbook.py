"""Checks over the whole cookbook that no single chapter can make."""

from pathlib import Path

from messagebus_cookbook.__main__ import main
from messagebus_cookbook.chapters import Book

ROOT = Path(__file__).resolve().parents[1]


def test_every_example_file_is_shown_by_a_chapter() -> None:
    orphans = [path.name for path in Book(ROOT).orphan_examples()]
    assert orphans == [], f"example files that no chapter includes: {orphans}"


def test_every_file_a_chapter_shows_is_a_reader_path() -> None:
    for chapter in Book(ROOT).chapters:
        for include in chapter.includes:
            assert not include.caption.startswith(("/", "..")), str(include)


def test_export_writes_the_project_after_a_chapter(tmp_path: Path) -> None:
    assert main(["export", "1", str(tmp_path)]) == 0
    book = Book(ROOT)
    for caption, include in book.files_after(1).items():
        assert (tmp_path / caption).read_text() == include.text
    assert not (tmp_path / "src/reading_club/service/repositories.py").exists()
