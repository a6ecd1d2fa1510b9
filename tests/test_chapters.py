from pathlib import Path

import pytest

from messagebus_cookbook.chapters import (
    BadMove,
    Book,
    Console,
    Include,
    read_chapter,
)
from messagebus_cookbook.reader_project import export
from tests.conftest import Writer

INCLUDE = "../src/messagebus_cookbook/examples"


def problems(path: Path) -> list[str]:
    return [str(problem) for problem in read_chapter(path).problems]


def test_steps_come_in_reading_order(
    write_chapter: Writer, write_example: Writer
) -> None:
    write_example("01_books_01.py", "x = 1\n")
    path = write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py

        .. code-block:: console

           $ python -c "print(1)"
           1
        """,
    )
    chapter = read_chapter(path)
    assert chapter.number == 1
    assert chapter.problems == []
    include, console = chapter.steps
    assert isinstance(include, Include)
    assert include.caption == "src/books.py"
    assert include.example.name == "01_books_01.py"
    assert str(include.location) == "cookbook/01-books.rst:4"
    assert isinstance(console, Console)
    assert [c.line for c in console.commands] == ['python -c "print(1)"']


def test_a_missing_caption_is_a_problem(
    write_chapter: Writer, write_example: Writer
) -> None:
    write_example("01_books_01.py", "x = 1\n")
    path = write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
        """,
    )
    assert problems(path) == [
        "cookbook/01-books.rst:4: literalinclude of 01_books_01.py has no "
        ":caption:; the caption is the file's path in the reader's project"
    ]


def test_numeric_lines_are_a_problem(
    write_chapter: Writer, write_example: Writer
) -> None:
    write_example("01_books_01.py", "x = 1\n")
    path = write_chapter(
        "01-books.rst",
        f"""
        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py
           :lines: 1
        """,
    )
    assert problems(path) == [
        "cookbook/01-books.rst:1: literalinclude of 01_books_01.py uses "
        ":lines:; use :pyobject: or :start-after:/:end-before: markers, which "
        "follow the code when it changes"
    ]


def test_inline_code_is_a_problem(write_chapter: Writer) -> None:
    path = write_chapter(
        "01-books.rst",
        """
        Books
        =====

        .. code-block:: python

           x = 1

        Or as a literal block::

           x = 1
        """,
    )
    assert problems(path) == [
        "cookbook/01-books.rst:4: inline code block (python): code comes from "
        "an example file through '.. literalinclude::'",
        "cookbook/01-books.rst:8: literal block ('::'): code comes from an "
        "example file through '.. literalinclude::'",
    ]


def test_a_one_colon_literalinclude_is_a_problem(write_chapter: Writer) -> None:
    path = write_chapter(
        "01-books.rst",
        f"""
        .. literalinclude: {INCLUDE}/01_books_01.py
           :caption: src/books.py
        """,
    )
    assert problems(path) == [
        "cookbook/01-books.rst:1: '.. literalinclude:' has one colon: rst reads "
        "it as a comment and the reader sees nothing; write '.. literalinclude::'"
    ]


def test_examples_follow_the_chapter_numbering(
    write_chapter: Writer, write_example: Writer
) -> None:
    write_example("02_books_01.py", "x = 1\n")
    write_example("01_books_03.py", "x = 1\n")
    path = write_chapter(
        "01-books.rst",
        f"""
        .. literalinclude:: {INCLUDE}/02_books_01.py
           :caption: src/books.py

        .. literalinclude:: {INCLUDE}/01_books_03.py
           :caption: src/books.py
        """,
    )
    assert problems(path) == [
        "cookbook/01-books.rst:1: 02_books_01.py belongs to chapter 02, not to "
        "chapter 01",
        "cookbook/01-books.rst:4: 01_books_03.py is the example number 02 of "
        "this chapter in reading order; rename it to 01_books_02.py",
    ]


def test_a_missing_example_is_a_problem(write_chapter: Writer) -> None:
    path = write_chapter(
        "01-books.rst",
        f"""
        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py
        """,
    )
    (problem,) = problems(path)
    assert problem.startswith("cookbook/01-books.rst:1: example file ")
    assert problem.endswith("01_books_01.py does not exist")


def test_the_book_knows_each_files_history(
    book_root: Path, write_chapter: Writer, write_example: Writer
) -> None:
    write_example("01_books_01.py", "x = 1\n")
    write_example("02_more_01.py", "x = 2\n")
    write_example("02_more_02.py", "y = 1\n")
    write_chapter(
        "01-books.rst",
        f"""
        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py
        """,
    )
    write_chapter(
        "02-more.rst",
        f"""
        .. literalinclude:: {INCLUDE}/02_more_01.py
           :caption: src/books.py

        .. literalinclude:: {INCLUDE}/02_more_02.py
           :caption: src/other.py
        """,
    )
    write_example("02_more_03.py", "unused\n")
    book = Book(book_root)
    assert [v.example.name for v in book.history("src/books.py")] == [
        "01_books_01.py",
        "02_more_01.py",
    ]
    latest = book.history("src/books.py")[-1]
    previous = book.previous_version(latest)
    assert previous is not None
    assert previous.example.name == "01_books_01.py"
    assert sorted(book.files_after(1)) == ["src/books.py"]
    assert book.files_after(2)["src/books.py"].text == "x = 2\n"
    assert [path.name for path in book.orphan_examples()] == ["02_more_03.py"]


def chapter_ending_with(write_chapter: Writer, console: str) -> Path:
    return write_chapter(
        "01-books.rst",
        "Books\n=====\n\n.. code-block:: console\n\n"
        + "".join(f"   {line}\n" for line in console.splitlines()),
    )


def test_a_chapter_that_ends_with_its_whole_suite_green_has_tested_its_project(
    write_chapter: Writer,
) -> None:
    for console in (
        "$ pytest -v\n=== 3 passed in 0.08s ===",
        "$ pytest\n=== no tests ran in 0.00s ===",
        "$ pytest -q\n3 passed in 0.1s",
    ):
        chapter = read_chapter(chapter_ending_with(write_chapter, console))
        assert chapter.ends_with_whole_suite(), console


def test_a_selection_or_a_red_run_at_the_end_does_not_test_the_whole_project(
    write_chapter: Writer, write_example: Writer
) -> None:
    for console in (
        '$ pytest -q -k "not postgresql"\n37 passed, 17 deselected in 1.7s',
        "$ pytest tests/test_bus.py\n=== 3 passed in 0.08s ===",
        "$ pytest -v\n=== 1 failed, 2 passed in 0.08s ===",
        "$ pytest -v\n=== 2 passed, 1 error in 0.08s ===",
        "$ mypy src\nSuccess: no issues found in 3 source files",
    ):
        chapter = read_chapter(chapter_ending_with(write_chapter, console))
        assert not chapter.ends_with_whole_suite(), console
    write_example("01_books_01.py", "x = 1\n")
    written_after = write_chapter(
        "01-books.rst",
        f"""
        .. code-block:: console

           $ pytest -v
           === 3 passed in 0.08s ===

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py
        """,
    )
    assert not read_chapter(written_after).ends_with_whole_suite()


def test_markdown_and_benchmarks_written_after_the_green_suite_keep_it_standing(
    write_chapter: Writer, write_example: Writer
) -> None:
    write_example("01_books_01.md", "# Reading club\n")
    write_example("01_books_02.py", "print('fast')\n")
    path = write_chapter(
        "01-books.rst",
        f"""
        .. code-block:: console

           $ pytest -q
           3 passed in 0.1s
           $ alembic upgrade head

        .. literalinclude:: {INCLUDE}/01_books_01.md
           :caption: README.md

        .. literalinclude:: {INCLUDE}/01_books_02.py
           :caption: benchmarks/books.py
        """,
    )
    chapter = read_chapter(path)

    assert chapter.written_after_whole_suite() == ["README.md", "benchmarks/books.py"]
    assert chapter.ends_with_whole_suite()


def test_an_install_or_a_test_file_after_the_green_suite_needs_another_run(
    write_chapter: Writer, write_example: Writer
) -> None:
    installs_after = write_chapter(
        "01-books.rst",
        """
        .. code-block:: console

           $ pytest -q
           3 passed in 0.1s
           $ python -m pip install -q -e ".[dev]"
        """,
    )
    assert read_chapter(installs_after).written_after_whole_suite() is None
    assert not read_chapter(installs_after).ends_with_whole_suite()

    write_example("01_books_01.py", "def test_more() -> None: ...\n")
    writes_a_test_after = write_chapter(
        "01-books.rst",
        f"""
        .. code-block:: console

           $ pytest -q
           3 passed in 0.1s

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: tests/test_more.py
        """,
    )
    chapter = read_chapter(writes_a_test_after)
    assert chapter.written_after_whole_suite() == ["tests/test_more.py"]
    assert not chapter.ends_with_whole_suite()


def test_a_file_removed_with_rm_leaves_the_project_and_comes_back_new(
    book_root: Path, write_chapter: Writer, write_example: Writer
) -> None:
    write_example("01_books_01.py", "x = 1\n")
    write_example("01_books_02.py", "y = 1\n")
    write_example("03_back_01.py", "x = 3\n")
    write_chapter(
        "01-books.rst",
        f"""
        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py

        .. literalinclude:: {INCLUDE}/01_books_02.py
           :caption: src/other.py
        """,
    )
    write_chapter(
        "02-gone.rst",
        """
        .. code-block:: console

           $ rm src/books.py
           $ pytest -q
           1 passed in 0.01s
        """,
    )
    write_chapter(
        "03-back.rst",
        f"""
        .. literalinclude:: {INCLUDE}/03_back_01.py
           :caption: src/books.py
        """,
    )
    book = Book(book_root)
    assert sorted(book.files_after(1)) == ["src/books.py", "src/other.py"]
    assert sorted(book.files_after(2)) == ["src/other.py"]
    assert book.files_after(3)["src/books.py"].text == "x = 3\n"
    (back,) = book.chapter(3).includes
    assert book.previous_version(back) is None
    assert book.chapter(2).ends_with_whole_suite()


def test_a_file_removed_after_the_green_suite_needs_another_run(
    write_chapter: Writer,
) -> None:
    chapter = read_chapter(
        chapter_ending_with(
            write_chapter, "$ pytest -q\n1 passed in 0.1s\n$ rm src/a.py"
        )
    )
    assert chapter.written_after_whole_suite() == ["src/a.py"]
    assert not chapter.ends_with_whole_suite()


def moving_book(write_chapter: Writer, write_example: Writer, console: str) -> Book:
    """Chapter 1 writes src/club/a.py and src/club/b.py; chapter 2 runs
    ``console``, then writes a new version of src/adapters/a.py."""
    write_example("01_books_01.py", "a = 1\n")
    write_example("01_books_02.py", "b = 1\n")
    write_example("02_moved_01.py", "a = 2\n")
    write_chapter(
        "01-books.rst",
        f"""
        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/club/a.py

        .. literalinclude:: {INCLUDE}/01_books_02.py
           :caption: src/club/b.py
        """,
    )
    path = write_chapter(
        "02-moved.rst",
        ".. code-block:: console\n\n"
        + "".join(f"   {line}\n" for line in console.splitlines())
        + f"""
.. literalinclude:: {INCLUDE}/02_moved_01.py
   :caption: src/adapters/a.py
""",
    )
    return Book(path.parents[1])


def test_a_folder_moved_with_mv_keeps_its_files_and_their_versions(
    write_chapter: Writer, write_example: Writer
) -> None:
    book = moving_book(
        write_chapter,
        write_example,
        "$ mv src/club src/adapters\n$ pytest -q\n1 passed in 0.01s",
    )

    assert sorted(book.files_after(2)) == ["src/adapters/a.py", "src/adapters/b.py"]
    assert book.files_after(2)["src/adapters/b.py"].text == "b = 1\n"
    assert book.files_after(2)["src/adapters/a.py"].text == "a = 2\n"
    (moved,) = book.chapter(2).includes
    previous = book.previous_version(moved)
    assert previous is not None
    assert previous.example.name == "01_books_01.py"
    # The suite ran before the last file was written: not the project as left.
    assert not book.chapter(2).ends_with_whole_suite()


def test_a_file_moved_with_mv_is_exported_at_its_new_path(
    tmp_path: Path, write_chapter: Writer, write_example: Writer
) -> None:
    book = moving_book(
        write_chapter, write_example, "$ mv src/club/b.py src/adapters/b.py"
    )

    assert export(book, 2, tmp_path / "out") == [
        "src/adapters/a.py",
        "src/adapters/b.py",
        "src/club/a.py",
    ]
    assert (tmp_path / "out" / "src" / "adapters" / "b.py").read_text() == "b = 1\n"
    assert not (tmp_path / "out" / "src" / "club" / "b.py").exists()
    (written,) = book.chapter(2).includes
    # src/adapters/a.py is new: src/club/a.py stayed where it was.
    assert book.previous_version(written) is None


def test_files_moved_into_a_folder_by_a_pattern_keep_their_versions(
    write_chapter: Writer, write_example: Writer
) -> None:
    book = moving_book(
        write_chapter,
        write_example,
        "$ mkdir src/adapters\n$ mv src/club/*.py src/adapters/",
    )

    assert sorted(book.files_after(2)) == ["src/adapters/a.py", "src/adapters/b.py"]
    assert book.files_after(2)["src/adapters/b.py"].text == "b = 1\n"
    assert book.files_after(2)["src/adapters/a.py"].text == "a = 2\n"
    (moved,) = book.chapter(2).includes
    previous = book.previous_version(moved)
    assert previous is not None
    assert previous.example.name == "01_books_01.py"


@pytest.mark.parametrize(
    ("console", "error"),
    [
        (
            "$ mv src/nothing src/adapters",
            "02-moved.rst:1: mv src/nothing src/adapters: "
            "the reader has no src/nothing to move",
        ),
        (
            "$ mv src/club/a.py src/club/b.py",
            "02-moved.rst:1: mv src/club/a.py src/club/b.py: the reader already "
            "has src/club/b.py; name the whole new path, where nothing is",
        ),
        (
            "$ mv src/club/*.txt src/adapters/",
            "02-moved.rst:1: mv src/club/*.txt src/adapters/: "
            "the reader has no src/club/*.txt to move",
        ),
    ],
)
def test_a_move_the_book_cannot_follow_names_the_chapter_and_the_command(
    write_chapter: Writer, write_example: Writer, console: str, error: str
) -> None:
    book = moving_book(write_chapter, write_example, console)

    with pytest.raises(BadMove) as failed:
        book.files_after(2)
    assert str(failed.value) == f"cookbook/{error}"
