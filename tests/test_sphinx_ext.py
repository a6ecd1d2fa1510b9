"""The Sphinx extension on a small book: folds, captions, the tree, archives."""

import io
from pathlib import Path

import pytest
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from messagebus_cookbook.sphinx_includes import folded_file
from messagebus_cookbook.sphinx_tree import tree_folder
from tests.conftest import Writer

INCLUDE = "../src/messagebus_cookbook/examples"
CONF = 'extensions = ["messagebus_cookbook.sphinx_ext"]\nexclude_patterns = ["src"]\n'
INDEX = "Book\n====\n\n.. toctree::\n   :glob:\n\n   cookbook/*\n"


def lines(count: int, changed: dict[int, str] | None = None) -> str:
    changed = changed or {}
    return "".join(f"{changed.get(n, f'x{n} = {n}')}\n" for n in range(1, count + 1))


def include(example: str, caption: str, *options: str) -> str:
    extra = "".join(f"   {option}\n" for option in options)
    return f".. literalinclude:: {INCLUDE}/{example}\n   :caption: {caption}\n{extra}\n"


@pytest.fixture
def book(book_root: Path, write_chapter: Writer, write_example: Writer) -> Path:
    (book_root / "conf.py").write_text(CONF)
    (book_root / "index.rst").write_text(INDEX)
    write_example("00_start_01.py", lines(40))
    write_example(
        "00_start_02.py", "class B:\n    pass\n\n\ndef helper() -> None: ...\n"
    )
    write_example("01_next_01.py", lines(40, {20: "x20 = 'changed'"}))
    write_chapter(
        "00-start.rst",
        "Start\n=====\n\nIntro.\n\n.. project-tree::\n\n"
        + include("00_start_01.py", "src/a.py")
        + include("00_start_02.py", "src/b.py"),
    )
    write_chapter(
        "01-next.rst",
        "Next\n====\n\nIntro.\n\n.. project-tree::\n\n"
        + include("01_next_01.py", "src/a.py", ":emphasize-lines: 20")
        + include("00_start_02.py", "src/b.py", ":pyobject: B"),
    )
    return book_root


def build(root: Path) -> tuple[Sphinx, list[str]]:
    """Build the HTML of the book; the documents this build read."""
    warning = io.StringIO()
    read: list[str] = []
    # Each app registers its directives and nodes in docutils: in a namespace
    # of its own, the next app starts clean.
    with docutils_namespace():
        app = Sphinx(
            root,
            root,
            root / "_build" / "html",
            root / "_build" / "doctrees",
            "html",
            status=io.StringIO(),
            warning=warning,
        )
        app.connect("env-before-read-docs", lambda app, env, names: read.extend(names))
        app.build()
    warnings = warning.getvalue()
    assert "WARNING" not in warnings, warnings
    return app, sorted(read)


def test_a_partial_display_names_its_part_in_the_caption(book: Path) -> None:
    app, _ = build(book)
    doctree = app.env.get_doctree("cookbook/01-next")
    captions = [caption.astext() for caption in doctree.findall(nodes.caption)]
    assert captions == ["src/a.py", "src/b.py — class B only"]
    source = (book / "cookbook" / "01-next.rst").read_text()
    assert ":caption: src/b.py\n" in source


def test_a_whole_file_shown_again_carries_its_folds(book: Path) -> None:
    app, _ = build(book)
    first = app.env.get_doctree("cookbook/00-start")
    assert list(first.findall(folded_file)) == []
    (folded,) = app.env.get_doctree("cookbook/01-next").findall(folded_file)
    assert folded["folds"] == "1-16,24-40"
    assert folded["lines"] == 40
    html = (book / "_build" / "html" / "cookbook" / "01-next.html").read_text()
    assert 'data-cookbook-folds="1-16,24-40" data-cookbook-lines="40"' in html


def test_the_tree_lists_the_project_and_marks_the_chapter_s_files(book: Path) -> None:
    app, _ = build(book)

    def tree(docname: str) -> list[str]:
        """Each entry of the tree; a folder's name says whether it is open."""
        (box,) = (
            node
            for node in app.env.get_doctree(docname).findall(nodes.container)
            if "cookbook-project-tree" in node["classes"]
        )
        entries = []
        for item in box.findall(nodes.list_item):
            if isinstance(item[0], tree_folder):
                state = "open" if item[0]["touched"] else "folded"
                entries.append(f"{item[0][0].astext()} ({state})")
            else:
                entries.append(item[0].astext())
        return entries

    assert tree("cookbook/00-start") == [
        "reading-club/ (open)",
        "src/ (open)",
        "a.py new",
        "b.py new",
    ]
    assert tree("cookbook/01-next") == [
        "reading-club/ (open)",
        "src/ (open)",
        "a.py changed",
        "b.py",
    ]
    html = (book / "_build" / "html" / "cookbook" / "01-next.html").read_text()
    assert '<details class="cookbook-tree-details cookbook-tree-open" open>' in html


def test_a_rebuild_reads_what_changed_and_what_depends_on_it(
    book: Path, write_example: Writer
) -> None:
    _, read = build(book)
    assert read == ["cookbook/00-start", "cookbook/01-next", "index"]
    archive = book / "_build/html/_downloads/projects/reading-club-after-chapter-01.zip"
    written = archive.stat().st_mtime_ns

    _, read = build(book)
    assert read == []
    assert archive.stat().st_mtime_ns == written

    # Chapter 00 gains a file: chapter 01's tree lists it, though its own
    # rst and examples did not change.
    write_example("00_start_03.py", "c = 1\n")
    chapter = book / "cookbook" / "00-start.rst"
    chapter.write_text(chapter.read_text() + include("00_start_03.py", "src/c.py"))
    _, read = build(book)
    assert read == ["cookbook/00-start", "cookbook/01-next"]
    assert archive.stat().st_mtime_ns != written
