"""Prometheus's configuration and alert rules of the project, checked by promtool."""

import shutil
import subprocess
from pathlib import Path

import pytest

MONITORING = Path(__file__).parents[1] / "monitoring"


def promtool(*arguments: str) -> None:
    """Run ``promtool`` on the project's monitoring files; fail with what it says."""
    found = shutil.which("promtool")
    if found is None:
        pytest.fail(
            "promtool is not installed: it comes with Prometheus "
            "(Debian or Ubuntu: apt-get install prometheus; macOS: brew install "
            "prometheus)"
        )
    checked = subprocess.run(
        [found, *arguments],
        cwd=MONITORING,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout


def test_the_configuration_and_its_rules_are_valid() -> None:
    promtool("check", "config", "prometheus.yml")


def test_each_alert_fires_when_it_should_and_only_then() -> None:
    promtool("test", "rules", "alerts_test.yml")
