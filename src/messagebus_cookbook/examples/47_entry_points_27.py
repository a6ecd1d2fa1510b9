"""The check a supervisor runs on the club's worker."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.supervisor import PROJECT, check

pytestmark = pytest.mark.broker

# Seconds the worker may take to start, and to stop.
TIMEOUT = 30


@contextmanager
def club_worker(broker_url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The club's worker on the test's broker, once it is ready.

    It runs as ``python -m reading_club.entrypoints.worker``.
    """
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("READING_CLUB_")
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "reading_club.entrypoints.worker"],
            cwd=PROJECT,
            env=environment | {"READING_CLUB_BROKER_URL": broker_url},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + TIMEOUT
        while " ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(TIMEOUT)


def test_the_worker_answers_while_it_runs(broker_url: str, tmp_path: Path) -> None:
    with club_worker(broker_url, tmp_path / "worker.log"):
        running = check(
            "reading_club.entrypoints.worker", READING_CLUB_BROKER_URL=broker_url
        )
    stopped = check(
        "reading_club.entrypoints.worker", READING_CLUB_BROKER_URL=broker_url
    )

    name = f"club@{socket.gethostname()}"
    assert running == (0, f"{name}: ok\n")
    assert stopped == (1, f"{name}: no answer within 1 s\n")
