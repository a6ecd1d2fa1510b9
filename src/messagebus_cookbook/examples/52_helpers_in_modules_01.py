"""The architecture that pyproject.toml writes down holds in the code."""

import ast
import subprocess
import sysconfig
from pathlib import Path

LINT_IMPORTS = Path(sysconfig.get_path("scripts")) / "lint-imports"
PROJECT = Path(__file__).parents[1]


def test_the_import_contracts_are_kept() -> None:
    # In a process of its own: lint-imports sets up logging for itself, and
    # would silence the loggers of the tests that run after it.
    done = subprocess.run(
        [LINT_IMPORTS, "--no-logo"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_tests_import_helpers_never_a_test_module_or_a_conftest() -> None:
    # An import-linter wildcard stands for whole names, never for "test_*".
    imports = [
        f"{path.relative_to(PROJECT)}:{line} imports {module}"
        for path in sorted((PROJECT / "tests").rglob("*.py"))
        for line, module in imported_modules(path)
        if module.startswith("tests.") and is_test_or_conftest(module)
    ]
    assert imports == [], "\n".join(imports)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """The modules that a file imports, with the line of each import."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # "from tests.reviews import conftest" imports a module too.
            found.append((node.lineno, node.module))
            found.extend(
                (node.lineno, f"{node.module}.{alias.name}") for alias in node.names
            )
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def is_test_or_conftest(module: str) -> bool:
    """Whether a module is a list of tests, or pytest's fixtures of a folder."""
    name = module.rpartition(".")[2]
    return name.startswith("test_") or name == "conftest"
