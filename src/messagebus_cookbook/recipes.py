"""Recipes: units a reader lifts whole into a project of another domain.

A recipe is a page ``recipes/<name>.rst`` with one ``.. recipe-files::``
directive. Its content lists the reader's files that make the recipe; its
options name the packages those files need (``:requires:``), the
recipe's own tests (``:tests:``, paths among its files), and the pytest
plugins among its modules that those tests need (``:plugins:``, which the
project's root ``conftest.py`` loads with ``pytest_plugins``). Each file is the
one the last chapter leaves, so a recipe is never a second copy that can
drift: the Sphinx build shows and zips those files, and the cookbook's
tests unpack the zip into a project of another domain and run the
recipe's tests there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sybil import Document
from sybil.parsers.rest.lexers import DirectiveLexer

from messagebus_cookbook.chapters import Book

DIRECTIVE = "recipe-files"
RECIPE_NAME = re.compile(r"^(?P<name>[a-z0-9-]+)\.rst$")
REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)==(?P<version>[^\s;]+)\s*$")


class RecipeError(ValueError):
    """A recipe page that names no files, or files the reader does not have."""


@dataclass(frozen=True)
class Recipe:
    """What a recipe page lifts: files, the packages they need, their tests."""

    name: str
    files: tuple[str, ...]
    requires: tuple[str, ...]
    tests: tuple[str, ...]
    # Modules of the recipe that its tests load as pytest plugins.
    plugins: tuple[str, ...] = ()

    @property
    def archive_name(self) -> str:
        return f"recipe-{self.name}.zip"


def recipe_from(name: str, content: str, options: Mapping[str, str]) -> Recipe:
    """The recipe that a ``recipe-files`` directive's content and options say."""
    files = tuple(line.strip() for line in content.splitlines() if line.strip())
    tests = tuple(options.get("tests", "").split())
    if not files:
        raise RecipeError(f"recipe {name}: the directive lists no files")
    outside = [
        path
        for path in tests
        if not any(
            file == path or file.startswith(f"{path.rstrip('/')}/") for file in files
        )
    ]
    if not tests or outside:
        raise RecipeError(
            f"recipe {name}: :tests: must name the recipe's own test files or "
            f"folders, among its files; not among them: {outside or 'none given'}"
        )
    plugins = tuple(options.get("plugins", "").split())
    not_shipped = [plugin for plugin in plugins if not ships_module(files, plugin)]
    if not_shipped:
        raise RecipeError(
            f"recipe {name}: :plugins: must name modules among its files; "
            f"not among them: {not_shipped}"
        )
    return Recipe(
        name, files, tuple(options.get("requires", "").split()), tests, plugins
    )


def ships_module(files: tuple[str, ...], module: str) -> bool:
    """Whether the files hold the module, at the root or under a folder (src)."""
    path = f"{module.replace('.', '/')}.py"
    return any(file == path or file.endswith(f"/{path}") for file in files)


def read_recipe(path: Path, text: str | None = None) -> Recipe:
    """The recipe of the page at ``path``: its one ``recipe-files`` directive."""
    found = RECIPE_NAME.match(path.name)
    if found is None:
        raise RecipeError(f"{path.name}: a recipe page is named <name>.rst")
    if text is None:
        text = path.read_text(encoding="utf-8")
    regions = list(DirectiveLexer(DIRECTIVE)(Document(text, str(path))))
    if len(regions) != 1:
        raise RecipeError(f"{path.name}: one '.. {DIRECTIVE}::', not {len(regions)}")
    lexemes = regions[0].lexemes
    options = {key: str(value) for key, value in dict(lexemes["options"]).items()}
    return recipe_from(found["name"], str(lexemes.get("source") or ""), options)


def recipes(root: Path) -> list[Recipe]:
    """Every recipe of the cookbook at ``root``, by name."""
    return [read_recipe(path) for path in sorted((root / "recipes").glob("*.rst"))]


def recipe_files(book: Book, recipe: Recipe) -> dict[str, str]:
    """Each file of the recipe as the last chapter leaves it: path -> text."""
    last = book.chapters[-1].number
    project = book.files_after(last)
    missing = [path for path in recipe.files if path not in project]
    if missing:
        raise RecipeError(
            f"recipe {recipe.name} lists files the reader's project does not "
            f"have after chapter {last:02d}: {', '.join(missing)}"
        )
    return {path: project[path].text for path in recipe.files}


def pinned_versions(constraints: Path, names: tuple[str, ...]) -> dict[str, str]:
    """The version the reader's constraints pin for each distribution named.

    Where a pin depends on the Python version, the newest one: the one a
    reader who installs today on a current Python gets.
    """
    versions: dict[str, str] = {}
    for line in constraints.read_text(encoding="utf-8").splitlines():
        found = REQUIREMENT.match(line.split(";")[0].rstrip() + " ")
        if found is None:
            continue
        versions[canonical(found["name"])] = found["version"]
    unknown = [name for name in names if canonical(base(name)) not in versions]
    if unknown:
        raise RecipeError(f"{constraints.name} pins none of: {', '.join(unknown)}")
    return {name: versions[canonical(base(name))] for name in names}


def base(requirement: str) -> str:
    """The distribution of a requirement: ``sqlalchemy[asyncio]`` -> ``sqlalchemy``."""
    return requirement.split("[")[0]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
