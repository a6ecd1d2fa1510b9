"""The replay's failures, as the maintainer who broke a chapter reads them."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sybil import Example
from sybil.example import SybilFailure

from messagebus_cookbook.reader_project import ReaderProject
from messagebus_cookbook.replay import (
    UPDATES,
    ChapterChanged,
    cookbook_sybil,
    teardown,
)
from messagebus_cookbook.replay_caches import SharedCaches
from tests.conftest import Writer

INCLUDE = "../src/messagebus_cookbook/examples"
FIRST = "class Book:\n    title: str\n"
SECOND = "class Book:\n    title: str\n    isbn: str\n"


@pytest.fixture
def replay(book_root: Path) -> Iterator[list[Example]]:
    examples: list[Example] = []
    yield examples
    if examples:
        teardown(examples[0].namespace)


def evaluate(root: Path, chapter: Path, examples: list[Example]) -> list[str]:
    """Replay a chapter; the failure message of each step, or "ok"."""
    document = cookbook_sybil(root).parse(chapter)
    results = []
    for example in document.examples():
        examples.append(example)
        try:
            example.evaluate()
        except SybilFailure as failure:
            results.append(failure.result)
        else:
            results.append("ok")
    return results


def test_a_chapter_that_holds_replays_green(
    book_root: Path,
    write_chapter: Writer,
    write_example: Writer,
    replay: list[Example],
) -> None:
    write_example("01_books_01.py", FIRST)
    write_example("01_books_02.py", SECOND)
    chapter = write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py

        .. literalinclude:: {INCLUDE}/01_books_02.py
           :caption: src/books.py
           :emphasize-lines: 3

        .. code-block:: console

           $ tail -n 1 src/books.py
               isbn: str
        """,
    )
    assert evaluate(book_root, chapter, replay) == ["ok", "ok", "ok", "ok"]


def test_a_stale_highlight_names_the_step_and_shows_the_change(
    book_root: Path,
    write_chapter: Writer,
    write_example: Writer,
    replay: list[Example],
) -> None:
    write_example("01_books_01.py", FIRST)
    write_example("01_books_02.py", SECOND)
    chapter = write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py

        .. literalinclude:: {INCLUDE}/01_books_02.py
           :caption: src/books.py
           :emphasize-lines: 2
        """,
    )
    results = evaluate(book_root, chapter, replay)
    assert results[:2] == ["ok", "ok"]
    assert results[2] == (
        "cookbook/01-books.rst:7 (01_books_02.py -> src/books.py)\n"
        "the highlights do not mark what changed in src/books.py: expected "
        ":emphasize-lines: 3, the chapter declares 2\n"
        "\n"
        "--- src/books.py before\n"
        "+++ src/books.py after\n"
        "@@ -1,2 +1,3 @@\n"
        " class Book:\n"
        "     title: str\n"
        "+    isbn: str"
    )


def test_each_part_of_one_version_is_highlighted_against_the_version_before(
    book_root: Path,
    write_chapter: Writer,
    write_example: Writer,
    replay: list[Example],
) -> None:
    write_example("01_books_01.py", FIRST)
    write_example("01_books_02.py", FIRST + "\n\nclass Review:\n    text: str\n")
    chapter = write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py

        .. literalinclude:: {INCLUDE}/01_books_02.py
           :caption: src/books.py
           :pyobject: Book

        .. literalinclude:: {INCLUDE}/01_books_02.py
           :caption: src/books.py
           :pyobject: Review
           :emphasize-lines: 1-2
        """,
    )
    assert evaluate(book_root, chapter, replay) == ["ok"] * 4


def test_a_console_mismatch_shows_a_diff(
    book_root: Path,
    write_chapter: Writer,
    write_example: Writer,
    replay: list[Example],
) -> None:
    write_example("01_books_01.py", FIRST)
    chapter = write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py

        .. code-block:: console

           $ wc -l < src/books.py
           3
        """,
    )
    results = evaluate(book_root, chapter, replay)
    assert results[-1] == (
        "cookbook/01-books.rst:7 (console: wc -l < src/books.py)\n"
        "the output shown differs from a real run (rewrite it with: "
        "nox -s tests -- --update-examples)\n"
        "\n"
        "$ wc -l < src/books.py\n"
        "--- shown in the chapter\n"
        "+++ real output\n"
        "@@ -1 +1 @@\n"
        "-3\n"
        "+2"
    )


@pytest.fixture
def updated_chapter(
    book_root: Path,
    write_chapter: Writer,
    write_example: Writer,
    replay: list[Example],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A chapter replayed with --update-examples, its rewrite not applied yet."""
    write_example("01_books_01.py", FIRST)
    chapter = write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py

        .. code-block:: console

           $ wc -l < src/books.py
           3

        The end.
        """,
    )
    monkeypatch.setattr(UPDATES, "enabled", True)
    assert evaluate(book_root, chapter, replay)[-1] == "ok"
    return chapter


def test_update_rewrites_the_output_from_a_real_run(updated_chapter: Path) -> None:
    chapter = updated_chapter
    assert UPDATES.apply() == [chapter]
    assert chapter.read_text().endswith(
        ".. code-block:: console\n\n   $ wc -l < src/books.py\n   2\n\nThe end.\n"
    )


def test_a_missing_file_and_a_missing_caption_fail(
    book_root: Path,
    write_chapter: Writer,
    replay: list[Example],
) -> None:
    chapter = write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
        """,
    )
    contract, write = evaluate(book_root, chapter, replay)
    assert contract.startswith("01-books.rst breaks the cookbook's contract:\n")
    assert (
        "cookbook/01-books.rst:4: literalinclude of 01_books_01.py has no :caption:"
        in contract
    )
    assert "01_books_01.py does not exist" in contract
    assert write.startswith("cookbook/01-books.rst:4 (01_books_01.py -> )\n")
    assert write.endswith("no :caption: names the reader's file to write")


def test_a_file_that_does_not_parse_fails(
    book_root: Path,
    write_chapter: Writer,
    write_example: Writer,
    replay: list[Example],
) -> None:
    write_example("01_books_01.py", "class Book\n")
    chapter = write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py
        """,
    )
    results = evaluate(book_root, chapter, replay)
    assert results[1].startswith(
        "cookbook/01-books.rst:4 (01_books_01.py -> src/books.py)\n"
        "src/books.py does not parse: expected ':'"
    )


def test_a_stale_pyobject_fails(
    book_root: Path,
    write_chapter: Writer,
    write_example: Writer,
    replay: list[Example],
) -> None:
    write_example("01_books_01.py", FIRST)
    chapter = write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py
           :pyobject: Review
        """,
    )
    results = evaluate(book_root, chapter, replay)
    assert results[1] == (
        "cookbook/01-books.rst:4 (01_books_01.py -> src/books.py)\n"
        "the part to show is gone from 01_books_01.py: "
        "Object named 'Review' not found"
    )


def test_a_later_chapter_starts_from_the_earlier_ones(
    book_root: Path,
    write_chapter: Writer,
    write_example: Writer,
    replay: list[Example],
) -> None:
    write_example("01_books_01.py", FIRST)
    write_example("02_more_01.py", SECOND)
    write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py
        """,
    )
    chapter = write_chapter(
        "02-more.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/02_more_01.py
           :caption: src/books.py
           :emphasize-lines: 3
        """,
    )
    assert evaluate(book_root, chapter, replay) == ["ok", "ok"]


def test_a_file_moved_in_a_chapter_is_at_its_new_path_in_the_next(
    book_root: Path,
    write_chapter: Writer,
    write_example: Writer,
    replay: list[Example],
) -> None:
    write_example("01_books_01.py", FIRST)
    write_example("02_moved_01.py", SECOND)
    write_chapter(
        "01-books.rst",
        f"""
        Books
        =====

        .. literalinclude:: {INCLUDE}/01_books_01.py
           :caption: src/books.py
        """,
    )
    write_chapter(
        "02-moved.rst",
        f"""
        Moved
        =====

        .. code-block:: console

           $ mkdir src/club
           $ mv src/books.py src/club/books.py

        .. literalinclude:: {INCLUDE}/02_moved_01.py
           :caption: src/club/books.py
           :emphasize-lines: 3
        """,
    )
    chapter = write_chapter(
        "03-after.rst",
        """
        After
        =====

        .. code-block:: console

           $ ls src src/club
           src:
           club

           src/club:
           books.py
        """,
    )
    assert evaluate(book_root, book_root / "cookbook" / "02-moved.rst", replay) == [
        "ok",
        "ok",
        "ok",
    ]
    assert evaluate(book_root, chapter, replay) == ["ok", "ok"]


def test_a_command_that_leaves_a_process_running_fails(
    book_root: Path,
    write_chapter: Writer,
    replay: list[Example],
) -> None:
    chapter = write_chapter(
        "01-books.rst",
        """
        Books
        =====

        .. code-block:: console

           $ (sleep 60 &) ; echo started
           started
        """,
    )
    results = evaluate(book_root, chapter, replay)
    assert results[-1].startswith(
        "cookbook/01-books.rst:4 (console: (sleep 60 &) ; echo started)\n"
        "$ (sleep 60 &) ; echo started left processes running (stopped now):\n"
        "\n"
    )
    # The list may catch the subshell before it becomes `sleep 60`.
    assert "sleep 60" in results[-1].rsplit("\n\n", 1)[-1]
    project = replay[-1].namespace["reader_project"]
    assert project.stray_processes() == []


def test_a_server_of_the_project_is_found_without_the_marker(
    book_root: Path,
    write_chapter: Writer,
    replay: list[Example],
) -> None:
    chapter = write_chapter(
        "01-books.rst",
        """
        Books
        =====

        .. code-block:: console

           $ cp /bin/sleep ./server && (env -i ./server 60 &) ; echo started
           started
        """,
    )
    results = evaluate(book_root, chapter, replay)
    assert "left processes running (stopped now)" in results[-1]
    assert "server 60" in results[-1].rsplit("\n\n", 1)[-1]


def test_a_chapter_edited_during_the_run_is_not_rewritten(
    updated_chapter: Path,
) -> None:
    chapter = updated_chapter
    edited = chapter.read_text().replace("Books\n=====\n", "Books\n=====\n\nNew.\n")
    chapter.write_text(edited)

    with pytest.raises(ChapterChanged, match=r"01-books\.rst changed during the run"):
        UPDATES.apply()
    assert chapter.read_text() == edited


def test_each_process_of_a_run_gets_a_mypy_cache_of_its_own(tmp_path: Path) -> None:
    first, second = SharedCaches(tmp_path), SharedCaches(tmp_path)

    assert first.mypy.parent.parent == tmp_path
    assert first.mypy != second.mypy
    assert first.mypy == first.mypy


def test_the_reader_s_mypy_uses_the_cache_it_is_given(tmp_path: Path) -> None:
    project = ReaderProject(tmp_path / "reading-club", mypy_cache=tmp_path / "mypy")

    assert project.run("echo $MYPY_CACHE_DIR") == f"{tmp_path / 'mypy'}\n"


def test_a_project_at_the_path_of_an_earlier_one_keeps_only_its_venv_s_bytecode(
    tmp_path: Path,
) -> None:
    caches = SharedCaches(tmp_path)
    parent = caches.project_parent()
    assert parent is not None
    root = parent / "reading-club"
    pycache = caches.pycache(constraints=None)
    mirror = pycache / root.relative_to(root.anchor)
    for compiled in (".venv/lib/site.cpython-311.pyc", "src/__pycache__/a.pyc"):
        (mirror / compiled).parent.mkdir(parents=True)
        (mirror / compiled).write_bytes(b"")

    project = ReaderProject(root, pycache=pycache)
    project.write("README.md", "# Reading club\n")

    assert sorted(path.name for path in mirror.iterdir()) == [".venv"]
    assert caches.project_parent() is None, "an earlier project is still there"
    project.remove()
    assert caches.project_parent() == parent


def test_a_process_left_by_an_earlier_run_in_the_same_folder_is_not_blamed(
    tmp_path: Path,
) -> None:
    # Every run of a worker replays in the same folder: a server that a
    # killed run left behind belongs to no later chapter.
    earlier = ReaderProject(tmp_path / "reading-club")
    later = ReaderProject(tmp_path / "reading-club")
    earlier.root.mkdir()
    left_behind = subprocess.Popen(
        ["sleep", "60"], env=earlier.environment(), cwd=earlier.root
    )
    try:
        assert later.stray_processes() == []
        assert [entry.split(":")[0] for entry in earlier.stray_processes()] == [
            str(left_behind.pid)
        ]
    finally:
        left_behind.kill()
        left_behind.wait()
