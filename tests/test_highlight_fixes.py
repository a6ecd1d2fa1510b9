from pathlib import Path

import pytest

from messagebus_cookbook.__main__ import main
from messagebus_cookbook.chapters import Book
from messagebus_cookbook.highlight_fixes import rewrite_highlights, wrong_highlights
from tests.conftest import Writer

INCLUDE = "../src/messagebus_cookbook/examples"
FIRST = "import os\n\n\ndef books() -> list[str]:\n    return []\n"
# One line added at the top moves the change below it by one line.
SECOND = "import os\nimport sys\n\n\ndef books() -> list[str]:\n    return ['x']\n"


@pytest.fixture
def book(book_root: Path, write_chapter: Writer, write_example: Writer) -> Book:
    write_example("01_books_01.py", FIRST)
    write_example("01_books_02.py", SECOND)
    write_example("01_books_03.py", SECOND)
    write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py

        The function alone, with a highlight that was right before the import:

        .. literalinclude:: {INCLUDE}/01_books_02.py
           :caption: src/books.py
           :pyobject: books
           :emphasize-lines: 1

        Unchanged, yet highlighted:

        .. literalinclude:: {INCLUDE}/01_books_03.py
           :caption: src/books.py
           :emphasize-lines: 2
        """,
    )
    return Book(book_root)


def test_every_wrong_highlight_is_found_with_the_value_its_diff_gives(
    book: Book,
) -> None:
    found = [
        (fix.include.location.line, fix.declared, fix.expected)
        for fix in wrong_highlights(book)
    ]

    # Within the shown function, only its second line changed.
    assert found == [(9, "1", "2"), (16, "2", "")]


def test_the_right_values_are_written_in_and_nothing_else_moves(
    book: Book, book_root: Path
) -> None:
    chapter = book_root / "cookbook" / "01-books.rst"
    before = chapter.read_text()

    written = rewrite_highlights(wrong_highlights(book))

    assert written == [chapter]
    after = chapter.read_text()
    assert after == before.replace(
        "   :pyobject: books\n   :emphasize-lines: 1\n",
        "   :pyobject: books\n   :emphasize-lines: 2\n",
    ).replace(
        "   :caption: src/books.py\n   :emphasize-lines: 2\n",
        "   :caption: src/books.py\n",
    )
    assert wrong_highlights(Book(book.root)) == []


def test_a_change_without_highlights_gets_them_under_its_caption(
    book_root: Path, write_chapter: Writer, write_example: Writer
) -> None:
    write_example("01_books_01.py", FIRST)
    write_example("01_books_02.py", SECOND)
    chapter = write_chapter(
        "01-books.rst",
        f"""
        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py

        .. literalinclude:: {INCLUDE}/01_books_02.py
           :caption: src/books.py
           :language: python
        """,
    )

    rewrite_highlights(wrong_highlights(Book(book_root)))

    assert "   :caption: src/books.py\n   :emphasize-lines: 2,6\n   :language" in (
        chapter.read_text()
    )


def test_the_command_lists_them_and_fails_until_they_are_written(
    book: Book, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("messagebus_cookbook.__main__.ROOT", book.root)

    assert main(["highlights"]) == 1
    listed = capsys.readouterr().out
    assert main(["highlights", "--write"]) == 0
    capsys.readouterr()
    assert main(["highlights"]) == 0

    assert listed.splitlines() == [
        "cookbook/01-books.rst:9 src/books.py: declares 1, the change is 2",
        "cookbook/01-books.rst:16 src/books.py: declares 2, the change is none",
        "write them with: python -m messagebus_cookbook highlights --write",
    ]
    assert capsys.readouterr().out == ""
