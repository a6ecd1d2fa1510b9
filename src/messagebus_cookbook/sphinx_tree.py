"""The ``project-tree`` directive: the reader's project at the end of a chapter.

Written right after a chapter's introduction, it renders a nested list of
every file the reader has once the chapter is done (the files of the
chapter's download, under ``reading-club/``), each file the chapter adds or
changes marked with a ``new`` or ``changed`` badge, and a legend. Each
folder is an HTML ``<details>``: open when the chapter adds or changes a
file in it, folded when it does not, so that what the chapter does shows
first and the rest is one click away.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator

from messagebus_cookbook.archives import TOP
from messagebus_cookbook.project_tree import Folder, Status, build_tree, statuses
from messagebus_cookbook.sphinx_model import book_of, chapter_of

logger = logging.getLogger(__name__)
TITLE = "Your project at the end of this chapter"
MEANING = {
    Status.NEW: "this chapter adds the file",
    Status.MOVED: "this chapter moves the file here",
    Status.CHANGED: "this chapter changes the file",
}


def badge(status: Status) -> nodes.inline:
    return nodes.inline(
        status.value,
        status.value,
        classes=["cookbook-badge", f"cookbook-badge-{status.value}"],
    )


def legend(shown: set[Status]) -> nodes.paragraph:
    paragraph = nodes.paragraph(classes=["cookbook-tree-legend"])
    if not shown:
        paragraph += nodes.Text("This chapter adds or changes no file.")
        return paragraph
    for index, status in enumerate(status for status in Status if status in shown):
        if index:
            paragraph += nodes.Text("; ")
        paragraph += badge(status)
        paragraph += nodes.Text(f" {MEANING[status]}")
    paragraph += nodes.Text(".")
    return paragraph


def entry(name: str, classes: list[str]) -> nodes.paragraph:
    paragraph = nodes.paragraph(classes=classes)
    paragraph += nodes.inline(name, name, classes=["cookbook-tree-name"])
    return paragraph


class tree_folder(nodes.General, nodes.Element):
    """A folder and its list: ``<details>``, open when ``touched``."""


class tree_folder_name(nodes.General, nodes.TextElement):
    """The name of a folder: the ``<summary>`` that opens and folds it."""


def visit_tree_folder(self: HTML5Translator, node: tree_folder) -> None:
    state = "open" if node["touched"] else "folded"
    self.body.append(
        f'<details class="cookbook-tree-details cookbook-tree-{state}"'
        f"{' open' if node['touched'] else ''}>"
    )


def depart_tree_folder(self: HTML5Translator, node: tree_folder) -> None:
    self.body.append("</details>")


def visit_tree_folder_name(self: HTML5Translator, node: tree_folder_name) -> None:
    self.body.append('<summary class="cookbook-tree-entry">')


def depart_tree_folder_name(self: HTML5Translator, node: tree_folder_name) -> None:
    self.body.append("</summary>")


def folder_item(name: str, folder: Folder, touched: bool) -> nodes.list_item:
    """A folder's item: its name, which folds it, over its list."""
    item = nodes.list_item(classes=["cookbook-tree-folder"])
    details = tree_folder(touched=touched)
    summary = tree_folder_name()
    summary += nodes.inline(name, name, classes=["cookbook-tree-name"])
    details += summary
    details += folder_list(folder)
    item += details
    return item


def folder_list(folder: Folder) -> nodes.bullet_list:
    """Sub-folders first, then files, each by name."""
    items = nodes.bullet_list(classes=["cookbook-tree-list"])
    for name in sorted(folder.folders):
        sub = folder.folders[name]
        touched = any(status is not None for status in _all_statuses(sub))
        items += folder_item(f"{name}/", sub, touched)
    for name in sorted(folder.files):
        status = folder.files[name]
        item = nodes.list_item(classes=["cookbook-tree-file"])
        line = entry(name, ["cookbook-tree-entry"])
        if status is not None:
            line += nodes.Text(" ")
            line += badge(status)
        item += line
        items += item
    return items


def tree_nodes(root: Folder) -> nodes.container:
    """The titled tree and its legend, as plain docutils nodes."""
    shown = {status for status in _all_statuses(root) if status is not None}
    box = nodes.container(classes=["cookbook-project-tree"])
    title = nodes.paragraph(classes=["cookbook-tree-title"])
    title += nodes.strong(TITLE, TITLE)
    box += title
    box += legend(shown)
    top = nodes.bullet_list(classes=["cookbook-tree-list", "cookbook-tree-root"])
    top += folder_item(f"{root.name}/", root, touched=True)
    box += top
    return box


def _all_statuses(folder: Folder) -> list[Status | None]:
    found = list(folder.files.values())
    for sub in folder.folders.values():
        found.extend(_all_statuses(sub))
    return found


class ProjectTree(SphinxDirective):
    """``.. project-tree::`` in a chapter: no argument, no content."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        chapter = chapter_of(self.env, self.env.docname)
        if chapter is None:
            logger.warning(
                "project-tree: %s is not a chapter (cookbook/NN-slug.rst)",
                self.env.docname,
                location=self.get_location(),
            )
            return []
        # What the tree draws from other chapters is in their signature
        # (sphinx_ext.chapter_signature): no file dependency needed here.
        book = book_of(self.env)
        return [tree_nodes(build_tree(statuses(book, chapter.number), TOP))]
