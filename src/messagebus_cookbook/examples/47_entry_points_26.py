"""How many envelopes one reviews worker handles per second, on PostgreSQL.

    python benchmarks/reviews_worker.py [--envelopes N]

It starts a PostgreSQL server and a Redis broker of its own, then one worker
of the reviews service after the other on them: the worker as it was, with
an event loop and a connection for each envelope (loop_per_envelope.py,
beside this file), then python -m reviews.entrypoints.worker. It stops them all before
it ends. Every figure is one run on one machine: run it on yours.
"""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lastuuid import uuid7

# benchmarks/relay.py, beside this file: the same servers.
from relay import postgresql, redis

from reading_club.adapters.eventstream import CeleryBatchTransport, create_celery_app
from reviews.adapters.orm import create_engine, metadata

# Seconds the worker may take to start, and to handle a round of envelopes.
START_TIMEOUT = 30.0
ROUND_TIMEOUT = 300.0
# Each way to run the worker, and the command that starts it.
WAYS = {
    "a loop per envelope": [
        sys.executable,
        str(Path(__file__).with_name("loop_per_envelope.py")),
    ],
    "a loop per process": [sys.executable, "-m", "reviews.entrypoints.worker"],
}


class Worker:
    """A reviews worker process, and the lines it has logged so far."""

    def __init__(
        self, command: Sequence[str], database_url: str, broker_url: str
    ) -> None:
        environment = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("REVIEWS_", "CELERY_"))
        }
        environment |= {
            "REVIEWS_DATABASE_URL": database_url,
            "REVIEWS_BROKER_URL": broker_url,
        }
        self.process = subprocess.Popen(
            command,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self.read, daemon=True).start()

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def wait_for(self, text: str, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.count(text) < count:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"no {count} lines with {text!r}:\n" + "".join(self.lines[-20:])
                )
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def worker(
    command: Sequence[str], database_url: str, broker_url: str
) -> Iterator[Worker]:
    started = Worker(command, database_url, broker_url)
    try:
        started.wait_for(" ready.", 1, START_TIMEOUT)
        yield started
    finally:
        started.stop()


def envelopes(count: int, version: int) -> list[dict[str, str]]:
    """Envelopes of as many books, as the club publishes them in ``version``."""
    made = []
    for number in range(count):
        payload: dict[str, Any] = {
            "id": str(uuid7()),
            "isbn": "9780321125217",
            "title": f"Book {number}",
        }
        if version == 1:
            payload["author"] = "Eric Evans"
        else:
            payload["authors"] = ["Eric Evans"]
        made.append(
            {
                "id": str(uuid7()),
                "created_at": "2026-11-29T09:00:00+00:00",
                "type": f"book_registered_v{version}",
                "payload": json.dumps(payload),
            }
        )
    return made


def handled_per_second(
    transport: CeleryBatchTransport,
    running: Worker,
    sent: list[dict[str, str]],
    outcome: str,
) -> float:
    """Envelopes per second, from their publication to their last outcome."""
    expected = running.count(outcome) + len(sent)
    started = time.perf_counter()
    errors = asyncio.run(transport.send_batch(sent))
    assert not any(errors), errors
    running.wait_for(outcome, expected, ROUND_TIMEOUT)
    return len(sent) / (time.perf_counter() - started)


async def create_tables(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    await engine.dispose()


def rates(
    transport: CeleryBatchTransport, running: Worker, count: int
) -> dict[str, float]:
    """Envelopes per second of each round, for one worker."""
    latest = envelopes(count, 2)
    return {
        "version 2": handled_per_second(transport, running, latest, ": handled"),
        "version 1, upcast": handled_per_second(
            transport, running, envelopes(count, 1), ": handled"
        ),
        "the same again, duplicates": handled_per_second(
            transport, running, latest, ": duplicate"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envelopes", type=int, default=1000, help="default: 1000")
    count = parser.parse_args().envelopes
    with postgresql() as database_url, redis() as broker:
        asyncio.run(create_tables(database_url))
        broker_url = f"redis+socket://{broker.socket_file}"
        app = create_celery_app(broker_url)
        transport = CeleryBatchTransport(app)
        measured = {}
        for way, command in WAYS.items():
            with worker(command, database_url, broker_url) as running:
                measured[way] = rates(transport, running, count)
        app.close()
    print(
        f"{count} envelopes to one reviews worker, on PostgreSQL, "
        f"on this machine ({os.cpu_count()} cores), in envelopes/s:"
    )
    before, after = measured.values()
    print(f"  {'':<28}", *(f"{way:>20}" for way in WAYS))
    for name in before:
        ratio = after[name] / before[name]
        print(f"  {name:<28} {before[name]:>20.0f} {after[name]:>20.0f}   {ratio:.1f}x")


if __name__ == "__main__":
    main()
