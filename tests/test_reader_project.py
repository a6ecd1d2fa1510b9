"""Preparing the reader's project: fast, and loud when it fails."""

from pathlib import Path

import pytest

from messagebus_cookbook.reader_project import (
    PreparationFailed,
    ReaderProject,
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
