from messagebus_cookbook.chapters import Book
from messagebus_cookbook.project_tree import Folder, Status, build_tree, statuses
from tests.conftest import Writer

INCLUDE = "../src/messagebus_cookbook/examples"


def include(example: str, caption: str) -> str:
    return f".. literalinclude:: {INCLUDE}/{example}\n   :caption: {caption}\n\n"


def test_statuses_say_what_each_chapter_did(
    book_root: object, write_chapter: Writer, write_example: Writer
) -> None:
    write_example("00_start_01.py", "a = 1\n")
    write_example("00_start_02.py", "b = 1\n")
    write_example("01_next_01.py", "a = 2\n")
    write_example("01_next_02.py", "b = 1\n")
    write_example("01_next_03.py", "c = 1\n")
    write_chapter(
        "00-start.rst",
        "Start\n=====\n\n"
        + include("00_start_01.py", "src/a.py")
        + include("00_start_02.py", "src/b.py"),
    )
    chapter_1 = write_chapter(
        "01-next.rst",
        "Next\n====\n\n"
        + include("01_next_01.py", "src/a.py")
        # b.py shown again, the same text: not a change
        + include("01_next_02.py", "src/b.py")
        + include("01_next_03.py", "tests/test_c.py"),
    )
    book = Book(chapter_1.parents[1])
    assert statuses(book, 0) == {"src/a.py": Status.NEW, "src/b.py": Status.NEW}
    assert statuses(book, 1) == {
        "src/a.py": Status.CHANGED,
        "src/b.py": None,
        "tests/test_c.py": Status.NEW,
    }
    assert set(statuses(book, 1)) == set(book.files_after(1))


def test_a_file_moved_with_mv_is_marked_moved_at_its_new_path(
    book_root: object, write_chapter: Writer, write_example: Writer
) -> None:
    write_example("00_start_01.py", "a = 1\n")
    write_example("00_start_02.py", "b = 1\n")
    write_example("01_next_01.py", "b = 2\n")
    write_chapter(
        "00-start.rst",
        "Start\n=====\n\n"
        + include("00_start_01.py", "src/a.py")
        + include("00_start_02.py", "src/b.py"),
    )
    chapter_1 = write_chapter(
        "01-next.rst",
        "Next\n====\n\n.. code-block:: console\n\n"
        "   $ mv src/a.py src/club/a.py\n   $ mv src/b.py src/club/b.py\n\n"
        # Moved, then changed: moved is what the reader must know first.
        + include("01_next_01.py", "src/club/b.py"),
    )
    book = Book(chapter_1.parents[1])
    assert statuses(book, 1) == {
        "src/club/a.py": Status.MOVED,
        "src/club/b.py": Status.MOVED,
    }


def test_the_tree_nests_folders_and_lists_every_file() -> None:
    files = {
        "pyproject.toml": None,
        "src/club/__init__.py": Status.NEW,
        "src/club/model.py": Status.CHANGED,
        "tests/conftest.py": None,
    }
    root = build_tree(files, "reading-club")
    assert root == Folder(
        "reading-club",
        folders={
            "src": Folder(
                "src",
                folders={
                    "club": Folder(
                        "club",
                        files={"__init__.py": Status.NEW, "model.py": Status.CHANGED},
                    )
                },
            ),
            "tests": Folder("tests", files={"conftest.py": None}),
        },
        files={"pyproject.toml": None},
    )
