"""The reviews service's worker, started by its tests on the test's servers."""

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from pydantic import SecretStr

from reviews.entrypoints.worker import create_worker_app
from reviews.settings import Settings

PROJECT = Path(__file__).parents[2]


@contextlib.contextmanager
def reviews_worker(database_url: str, broker_url: str) -> Iterator[None]:
    """The reviews service's worker, in a thread, until the block ends."""
    settings = Settings(
        database_url=SecretStr(database_url), broker_url=SecretStr(broker_url)
    )
    app = create_worker_app(settings)
    # On Redis, a worker waits for a message one second at a time, and
    # sees that the test is over only then: a tenth of a second will do.
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "polling_interval": 0.1,
    }
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@dataclass
class WorkerProcess:
    """A reviews worker started as its own process, its output in a file."""

    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text()

    async def wait_for(self, text: str, timeout: float = 15, times: int = 1) -> str:
        """The output, once it holds ``text``, ``times`` times."""
        deadline = time.monotonic() + timeout
        while (printed := self.output()).count(text) < times:
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"not {times} {text!r} within {timeout} s in:\n{printed}")
            await asyncio.sleep(0.1)
        return printed

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM to the worker, SIGKILL to it and its pool if need be.

        The worker ends the tasks in flight, then stops its pool: its status.
        """
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            raise


StartWorker = Callable[..., WorkerProcess]
