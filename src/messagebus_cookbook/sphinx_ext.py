"""What readers get at build time, from the same chapter model the tests replay.

- At the start of each chapter (``.. project-tree::``), the reader's project
  as it stands at the end of the chapter, new and changed files marked
  (``sphinx_tree``).
- A block that shows part of a file says which part in its caption; a block
  that shows again a whole file folds its long runs of unchanged lines;
  under a block that changes a file, a folded diff (``sphinx_includes``).
- At the end of each chapter, a link to a zip of the reader's project as it
  stands after that chapter, built by this build (``archives``) and
  rewritten only when its content changed.

A chapter's page draws on earlier chapters (which files exist, which
version came before); its *signature* sums that up, and a build re-reads
the chapters whose signature changed, and only those.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from messagebus_cookbook.archives import archive_name, write_archive, write_archives
from messagebus_cookbook.chapters import Book, Chapter
from messagebus_cookbook.folding import CONTEXT, MIN_FOLDED
from messagebus_cookbook.project_tree import statuses
from messagebus_cookbook.sphinx_includes import (
    CookbookLiteralInclude,
    depart_folded_file,
    folded_file,
    visit_folded_file,
)
from messagebus_cookbook.sphinx_model import book_of, chapter_of, docname_of, load_book
from messagebus_cookbook.sphinx_recipes import (
    RECIPE_DOWNLOADS,
    RecipeFiles,
    write_recipe_archives,
)
from messagebus_cookbook.sphinx_tree import (
    ProjectTree,
    depart_tree_folder,
    depart_tree_folder_name,
    tree_folder,
    tree_folder_name,
    visit_tree_folder,
    visit_tree_folder_name,
)

__all__ = ["archive_name", "setup", "write_archive"]

logger = logging.getLogger(__name__)
DOWNLOADS = "_downloads/projects"


def chapter_signature(book: Book, chapter: Chapter) -> str:
    """A digest of what the chapter's page takes from the other chapters."""
    parts = [
        f"{path}={status.value if status else ''}"
        for path, status in sorted(statuses(book, chapter.number).items())
    ]
    for include in chapter.includes:
        previous = book.previous_version(include)
        parts.append(f"{include.location.line}<{previous.example if previous else ''}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def on_builder_inited(app: Sphinx) -> None:
    load_book(app.env)


def on_env_get_outdated(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    """Re-read the chapters whose signature changed since the last build."""
    book = book_of(env)
    known: dict[str, str] = getattr(env, "cookbook_signatures", {})
    signatures = {
        docname_of(chapter): chapter_signature(book, chapter)
        for chapter in book.chapters
    }
    env.cookbook_signatures = signatures  # type: ignore[attr-defined]
    return sorted(
        docname
        for docname, signature in signatures.items()
        if known.get(docname) != signature
        and docname in env.found_docs
        and docname not in added | changed
    )


def add_download_link(app: Sphinx, doctree: nodes.document) -> None:
    chapter = chapter_of(app.env, app.env.docname)
    if chapter is None:
        return
    link = nodes.paragraph(classes=["cookbook-download"])
    link += nodes.reference(
        "",
        "Download the project as it stands after this chapter",
        refuri=f"../{DOWNLOADS}/{archive_name(chapter)}",
        classes=["download"],
    )
    link += nodes.Text(f" ({archive_name(chapter)}).")
    doctree += link


def refresh_archives(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    book = book_of(app.env)
    rewritten = write_archives(book, Path(app.outdir) / DOWNLOADS)
    logger.info(
        "project archives: %d of %d rewritten", len(rewritten), len(book.chapters)
    )
    rewritten = write_recipe_archives(book, Path(app.outdir) / RECIPE_DOWNLOADS)
    logger.info("recipe archives: %d rewritten", len(rewritten))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value(
        "cookbook_fold_context", CONTEXT, "env", types=frozenset({int})
    )
    app.add_config_value(
        "cookbook_fold_min_lines", MIN_FOLDED, "env", types=frozenset({int})
    )
    app.add_node(folded_file, html=(visit_folded_file, depart_folded_file))
    app.add_node(tree_folder, html=(visit_tree_folder, depart_tree_folder))
    app.add_node(
        tree_folder_name, html=(visit_tree_folder_name, depart_tree_folder_name)
    )
    app.add_directive("literalinclude", CookbookLiteralInclude, override=True)
    app.add_directive("project-tree", ProjectTree)
    app.add_directive("recipe-files", RecipeFiles)
    app.connect("builder-inited", on_builder_inited)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("doctree-read", add_download_link)
    app.connect("build-finished", refresh_archives)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
