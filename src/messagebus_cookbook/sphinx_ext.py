"""What readers get at build time, from the same chapter model the tests replay.

- At the end of each chapter, a link to a zip of the reader's project as it
  stands after that chapter, built by this build (never a committed zip).
- Under each block that changes a file the reader already has, a folded
  unified diff against the previous version.
"""

from __future__ import annotations

import difflib
import zipfile
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from messagebus_cookbook.chapters import Book, Chapter

logger = logging.getLogger(__name__)
DOWNLOADS = "_downloads/projects"


def archive_name(chapter: Chapter) -> str:
    return f"reading-club-after-chapter-{chapter.number:02d}.zip"


def write_archive(book: Book, chapter: Chapter, destination: Path) -> Path:
    """Zip the reader's project after ``chapter``, files in a top folder."""
    path = destination / archive_name(chapter)
    top = f"reading-club-{chapter.number:02d}"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for caption, include in sorted(book.files_after(chapter.number).items()):
            info = zipfile.ZipInfo(f"{top}/{caption}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, include.text)
    return path


def _chapter_of(app: Sphinx, docname: str) -> Chapter | None:
    book: Book = app.env.cookbook_book  # type: ignore[attr-defined]
    for chapter in book.chapters:
        if docname == f"cookbook/{chapter.path.stem}":
            return chapter
    return None


def on_builder_inited(app: Sphinx) -> None:
    app.env.cookbook_book = Book(Path(app.srcdir))  # type: ignore[attr-defined]


def on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Add the folded diffs and the download link to a chapter's doctree."""
    docname = app.env.docname
    chapter = _chapter_of(app, docname)
    if chapter is None:
        return
    book: Book = app.env.cookbook_book  # type: ignore[attr-defined]
    for block in list(doctree.findall(nodes.literal_block)):
        source = block.get("source")
        if not source:
            continue
        include = next(
            (
                i
                for i in chapter.includes
                if str(i.example) == str(Path(source).resolve())
            ),
            None,
        )
        if include is None:
            continue
        previous = book.previous_version(include)
        if previous is None:
            continue
        app.env.note_dependency(str(previous.example))
        diff = "".join(
            difflib.unified_diff(
                previous.text.splitlines(keepends=True),
                include.text.splitlines(keepends=True),
                f"{include.caption} (before)",
                f"{include.caption} (after)",
            )
        )
        if not diff:
            continue
        anchor = block.parent if isinstance(block.parent, nodes.container) else block
        folded = nodes.container(classes=["cookbook-diff"])
        folded += nodes.raw(
            "",
            "<details><summary>What changed in "
            f"<code>{include.caption}</code></summary>",
            format="html",
        )
        diff_block = nodes.literal_block(diff, diff, language="diff")
        folded += diff_block
        folded += nodes.raw("", "</details>", format="html")
        anchor.parent.insert(anchor.parent.index(anchor) + 1, folded)

    link = nodes.paragraph(classes=["cookbook-download"])
    link += nodes.reference(
        "",
        "Download the project as it stands after this chapter",
        refuri=f"../{DOWNLOADS}/{archive_name(chapter)}",
        classes=["download"],
    )
    link += nodes.Text(f" ({archive_name(chapter)}).")
    doctree += link


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    book: Book = app.env.cookbook_book  # type: ignore[attr-defined]
    destination = Path(app.outdir) / DOWNLOADS
    for chapter in book.chapters:
        write_archive(book, chapter, destination)
    logger.info("wrote %d project archives into %s", len(book.chapters), destination)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", on_builder_inited)
    app.connect("doctree-read", on_doctree_read)
    app.connect("build-finished", on_build_finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
