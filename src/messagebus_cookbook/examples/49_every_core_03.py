"""The workers of pytest-xdist, and the brokers given to the tests."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).parents[2]


def run_pytest(folder: Path, *options: str, broker: str = "") -> str:
    """What pytest prints for one passing test, with the plugin and a broker."""
    (folder / "test_one.py").write_text("def test_one() -> None:\n    pass\n")
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST_", "TEST_"))
    }
    environment["PYTHONPATH"] = str(PROJECT)
    if broker:
        environment["TEST_BROKER_URL"] = broker
    command = [sys.executable, "-m", "pytest", "-p", "tests.real_servers.plugin"]
    # What the project's pyproject.toml sets, and this folder has not.
    command += ["-o", "asyncio_default_fixture_loop_scope=function"]
    finished = subprocess.run(
        [*command, "-q", "-p", "no:cacheprovider", *options, str(folder)],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return f"exit {finished.returncode}\n{finished.stdout}{finished.stderr}"


def test_auto_runs_a_worker_per_core(tmp_path: Path) -> None:
    printed = run_pytest(tmp_path, "-n", "auto")
    assert printed.startswith("exit 0\n")
    assert "bringing up nodes" in printed


def test_auto_runs_no_worker_beside_a_given_broker(tmp_path: Path) -> None:
    printed = run_pytest(tmp_path, "-n", "auto", broker="redis://broker.example")
    assert printed.startswith("exit 0\n")
    assert "bringing up nodes" not in printed
    assert "1 passed" in printed


def test_workers_that_would_share_a_given_broker_are_refused(tmp_path: Path) -> None:
    printed = run_pytest(tmp_path, "-n", "2", broker="redis://broker.example")
    # 4: pytest's status for a usage error.
    assert printed.startswith("exit 4\n")
    assert (
        "ERROR: the broker of TEST_BROKER_URL would serve 2 workers, whose "
        "tests would take each other's messages: run with -n auto or -n 0, "
        "not -n 2\n"
    ) in printed
