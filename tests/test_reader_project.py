"""Preparing the reader's project: fast, and loud when it fails."""

import os
import subprocess
from pathlib import Path

import pytest

from messagebus_cookbook.reader_project import (
    PreparationFailed,
    ReaderProject,
    bundled_wheels,
    run_uv,
    uv_arguments,
)


def test_a_plain_pip_install_translates_to_uv_arguments() -> None:
    assert uv_arguments('python -m pip install -q -e ".[dev]"') == [
        "-q",
        "-e",
        ".[dev]",
    ]


@pytest.mark.parametrize(
    "command",
    [
        "pytest -v",
        "python -m pip list",
        "pip install -e .",
        "python -m pip install -e . && echo done",
        'python -m pip install "unbalanced',
    ],
)
def test_anything_else_runs_as_written(command: str) -> None:
    assert uv_arguments(command) is None


def test_a_failing_preparation_names_the_command_and_shows_its_output(
    tmp_path: Path,
) -> None:
    project = ReaderProject(tmp_path / "reader")

    with pytest.raises(PreparationFailed) as failed:
        project.prepare_with("python -m pip install -q ./no-such-project")

    message = str(failed.value)
    assert "'python -m pip install -q ./no-such-project' failed" in message
    assert "no-such-project" in message.split("failed:", 1)[1]
    assert message.rstrip().endswith("exit=1")


def fake_uv(folder: Path, offline_works: bool) -> tuple[Path, Path]:
    """A uv that logs how it was called, and fails offline unless told not to."""
    calls = folder / "calls"
    program = folder / "uv"
    fails_offline = "" if offline_works else '[ -z "$UV_OFFLINE" ]\n'
    program.write_text(
        f'#!/bin/sh\necho "offline=${{UV_OFFLINE:-no}}" >> {calls}\n{fails_offline}'
    )
    program.chmod(0o755)
    return program, calls


def test_uv_runs_from_its_cache_and_goes_online_only_when_that_fails(
    tmp_path: Path,
) -> None:
    env = {"PATH": os.environ["PATH"]}
    cached, calls = fake_uv(tmp_path, offline_works=True)
    assert run_uv([str(cached)], cwd=tmp_path, env=env).returncode == 0
    assert calls.read_text() == "offline=1\n"

    calls.unlink()
    missing, calls = fake_uv(tmp_path, offline_works=False)
    assert run_uv([str(missing)], cwd=tmp_path, env=env).returncode == 0
    assert calls.read_text() == "offline=1\noffline=no\n"


def test_the_venv_has_the_pip_of_python_m_venv_and_needs_no_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An index that cannot answer: the seed must come from the wheels alone.
    monkeypatch.setenv("UV_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("UV_OFFLINE", "1")
    project = ReaderProject(tmp_path / "reader")

    project.ensure_venv()

    listed = subprocess.run(
        [project.python, "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bundled = {
        "==".join(wheel.name.split("-")[:2]).lower() for wheel in bundled_wheels()
    }
    assert bundled, "this Python bundles no wheels for ensurepip"
    assert set(listed.lower().split()) == bundled
