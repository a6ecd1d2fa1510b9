"""``.. recipe-files::`` on a recipe page: the download, the packages, the files.

The directive reads its content and options with ``recipes.recipe_from``,
the reading the tests use too, and shows each file as the last chapter
leaves it. The build writes each recipe's zip (``write_recipe_archives``),
unpacked at the root of the reader's own project.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.directives.code import container_wrapper
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from messagebus_cookbook.archives import archive_bytes, write_if_changed
from messagebus_cookbook.chapters import Book
from messagebus_cookbook.recipes import (
    RecipeError,
    pinned_versions,
    recipe_files,
    recipe_from,
    recipes,
)
from messagebus_cookbook.sphinx_model import book_of

logger = logging.getLogger(__name__)
RECIPE_DOWNLOADS = "_downloads/recipes"
LANGUAGES = {".py": "python", ".toml": "toml", ".ini": "ini", ".yml": "yaml"}


class RecipeFiles(SphinxDirective):
    """The files of a recipe, one path per line of its content."""

    has_content = True
    option_spec = {  # noqa: RUF012 - docutils reads it from the class
        "requires": directives.unchanged_required,
        "tests": directives.unchanged_required,
        "plugins": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        name = Path(self.env.docname).name
        book = book_of(self.env)
        try:
            recipe = recipe_from(name, "\n".join(self.content), self.options)
            files = recipe_files(book, recipe)
            versions = pinned_versions(
                book.root / "requirements" / "reader.txt", recipe.requires
            )
        except RecipeError as error:
            logger.warning(str(error), location=self.get_location())
            return []
        # A chapter that writes a newer version of one of the files, or the
        # example file of the version shown, changes this page.
        project = book.files_after(book.chapters[-1].number)
        for chapter in book.chapters:
            self.env.note_dependency(str(chapter.path))
        for path in files:
            self.env.note_dependency(str(project[path].example))
        download = nodes.paragraph(classes=["cookbook-download"])
        download += nodes.reference(
            "",
            "Download this recipe",
            refuri=f"../{RECIPE_DOWNLOADS}/{recipe.archive_name}",
            classes=["download"],
        )
        download += nodes.Text(
            f" ({recipe.archive_name}: {len(files)} files, to unpack at the "
            "root of your project)."
        )
        requirements = nodes.bullet_list()
        for requirement, version in versions.items():
            item = nodes.list_item()
            item += nodes.paragraph(
                "", "", nodes.literal(text=f"{requirement}>={version}")
            )
            requirements += item
        shown: list[nodes.Node] = [
            download,
            nodes.paragraph(text="The packages it needs, at the versions tested:"),
            requirements,
        ]
        for path, text in files.items():
            if not text.strip():
                shown.append(
                    nodes.paragraph(
                        "", "", nodes.literal(text=path), nodes.Text(" is empty.")
                    )
                )
                continue
            block = nodes.literal_block(text, text)
            block["language"] = LANGUAGES.get(Path(path).suffix, "text")
            wrapped = container_wrapper(self, block, path)
            wrapped["classes"].append("cookbook-recipe-file")
            shown.append(wrapped)
        return shown


def write_recipe_archives(book: Book, destination: Path) -> list[Path]:
    """Each recipe's zip in ``destination``; the ones rewritten."""
    rewritten: list[Path] = []
    for recipe in recipes(book.root):
        data = archive_bytes(recipe_files(book, recipe), top=None)
        path = destination / recipe.archive_name
        if write_if_changed(path, data):
            rewritten.append(path)
    return rewritten
