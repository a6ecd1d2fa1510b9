"""The architecture that pyproject.toml writes down holds in the code."""

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
