"""Registrations over HTTP, and how soon each one reaches the reviews service.

    python benchmarks/load.py [--registrations N] [--clients K]

It starts a PostgreSQL server and a Redis broker of its own, migrates both
services' databases, and starts the processes of the Procfile with honcho,
all on loopback. K clients post N registrations to the club's API, each the
next as soon as the last is answered. For each registration: the latency of
its POST, and its lag, from the POST's answer to its book in the reviews
service's database (looked for every 10 ms); then the median lag of the
first tenth of the registrations and of the last (early/late). It does it
all twice, on new databases each time: first with the reviews worker as it
was (loop_per_envelope.py, beside this file), then with the Procfile's.
Every figure is one run on one machine: run it on yours.
"""

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID, uuid4

import httpx

# benchmarks/relay.py, beside this file: the same servers.
from relay import postgresql, redis
from sqlalchemy import make_url, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from http_edges.auth import hash_key
from reviews.adapters.orm import books
from tests.real_servers.procfile import Processes, procfile_started

PROJECT = Path(__file__).parents[1]
KEY = "the benchmark's key"
# Seconds the processes may take to start, and a round to end.
START_TIMEOUT = 60.0
ROUND_TIMEOUT = 300.0
# The reviews worker of each round: the Procfile's, and the one it replaced.
WORKERS = {
    "a loop per envelope": "exec python benchmarks/loop_per_envelope.py",
    "a loop per process": "exec python -m reviews.entrypoints.worker",
}


def isbn(number: int) -> str:
    """A valid ISBN-13 of its own for each number."""
    digits = f"978{number:09d}"
    total = sum(int(digit) * (1 if i % 2 == 0 else 3) for i, digit in enumerate(digits))
    return digits + str(-total % 10)


async def create_database(server: str) -> str:
    """A new, empty database on the server; its URL."""
    name = f"load_{uuid4().hex}"
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


@contextmanager
def processes(environment: dict[str, str], reviews_worker: str) -> Iterator[Processes]:
    """The Procfile's processes, the reviews worker replaced, until the block ends."""
    for arguments in ([], ["-n", "reviews"]):
        subprocess.run(
            [sys.executable, "-m", "alembic", *arguments, "upgrade", "head"],
            cwd=PROJECT,
            env=environment,
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT,
        )
    lines = (PROJECT / "Procfile").read_text().splitlines()
    with tempfile.TemporaryDirectory() as folder:
        procfile = Path(folder) / "Procfile"
        procfile.write_text(
            "".join(
                f"reviews: {reviews_worker}\n"
                if line.startswith("reviews:")
                else line + "\n"
                for line in lines
            )
        )
        with procfile_started(procfile, environment, folder=PROJECT) as started:
            started.output.wait_for("Uvicorn running", START_TIMEOUT, by="web")
            for relay in ("relay", "reviews-relay"):
                started.output.wait_for("relay started", START_TIMEOUT, by=relay)
            for worker in ("worker", "reviews"):
                started.output.wait_for(" ready.", START_TIMEOUT, by=worker)
            yield started


@dataclass
class Round:
    """What one round measured, in seconds."""

    answered: dict[UUID, float] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seen: dict[UUID, float] = field(default_factory=dict)
    duration: float = 0.0


async def post_all(url: str, count: int, clients: int, measured: Round) -> None:
    """Post ``count`` registrations from ``clients`` clients at once."""
    numbers = iter(range(count))
    headers = {"Authorization": f"Bearer {KEY}"}

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as http:
            for number in numbers:
                started = time.monotonic()
                response = await http.post(
                    "/books",
                    json={
                        "title": f"Book {number}",
                        "authors": ["Eric Evans"],
                        "isbn": isbn(number),
                    },
                )
                answered = time.monotonic()
                response.raise_for_status()
                measured.answered[UUID(response.json()["id"])] = answered
                measured.latencies.append(answered - started)

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(clients)))
    measured.duration = time.monotonic() - started


async def watch(engine: AsyncEngine, count: int, measured: Round) -> None:
    """When each book reaches the reviews service, until all ``count`` have."""
    deadline = time.monotonic() + ROUND_TIMEOUT
    async with engine.connect() as connection:
        while len(measured.seen) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(measured.seen)} of {count} books arrived")
            # Only the books answered and not seen yet: few, when it keeps up.
            awaited = [book for book in measured.answered if book not in measured.seen]
            if awaited:
                result = await connection.execute(
                    select(books.c.id).where(books.c.id.in_(awaited))
                )
                now = time.monotonic()
                for (book_id,) in result:
                    measured.seen[book_id] = now
                await connection.rollback()
            await asyncio.sleep(0.01)


async def load(club_url: str, reviews_database: str, count: int, clients: int) -> Round:
    measured = Round()
    engine = create_async_engine(reviews_database)
    try:
        await asyncio.gather(
            post_all(club_url, count, clients, measured),
            watch(engine, count, measured),
        )
    finally:
        await engine.dispose()
    return measured


def p50_p99(seconds: list[float]) -> str:
    """The median and the 99th percentile, in milliseconds."""
    percentiles = statistics.quantiles(seconds, n=100)
    return f"{percentiles[49] * 1000:.0f}/{percentiles[98] * 1000:.0f}"


def stop_on_sigterm() -> None:
    """SIGTERM ends the benchmark as Ctrl-C does: the servers it started stop."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def main() -> None:
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=2000, help="default: 2000")
    parser.add_argument("--clients", type=int, default=8, help="default: 8")
    arguments = parser.parse_args()
    count, clients = arguments.registrations, arguments.clients
    rounds = {}
    with postgresql() as server, redis() as broker:
        broker_url = f"redis+socket://{broker.socket_file}"
        for way, reviews_worker in WORKERS.items():
            club_database = asyncio.run(create_database(server))
            reviews_database = asyncio.run(create_database(server))
            environment = {
                name: value
                for name, value in os.environ.items()
                if not name.startswith(("READING_CLUB_", "REVIEWS_", "CELERY_"))
            }
            environment |= {
                "READING_CLUB_DATABASE_URL": club_database,
                "READING_CLUB_BROKER_URL": broker_url,
                "READING_CLUB_API_KEYS": json.dumps({hash_key(KEY): ["books:write"]}),
                "REVIEWS_DATABASE_URL": reviews_database,
                "REVIEWS_BROKER_URL": broker_url,
                # The Procfile's python is this one, as in an activated venv.
                "PATH": os.pathsep.join(
                    [str(Path(sys.executable).parent), os.environ["PATH"]]
                ),
            }
            with processes(environment, reviews_worker) as started:
                club_url = f"http://127.0.0.1:{started.port}"
                rounds[way] = asyncio.run(
                    load(club_url, reviews_database, count, clients)
                )
    print(
        f"{count} registrations over HTTP from {clients} clients, "
        f"on this machine ({os.cpu_count()} cores), in ms:"
    )
    print(
        f"  {'the reviews worker':<20} {'req/s':>5} {'latency p50/p99':>16}"
        f" {'lag p50/p99':>12} {'early/late':>11}"
    )
    for way, measured in rounds.items():
        # In the order of the answers: a lag that grows is a worker behind.
        lags = [measured.seen[book] - at for book, at in measured.answered.items()]
        tenth = max(len(lags) // 10, 1)
        early, late = statistics.median(lags[:tenth]), statistics.median(lags[-tenth:])
        print(
            f"  {way:<20} {count / measured.duration:>5.0f}"
            f" {p50_p99(measured.latencies):>16} {p50_p99(lags):>12}"
            f" {early * 1000:>5.0f}/{late * 1000:.0f}"
        )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        raise SystemExit("stopped, and so has every process it started") from None
