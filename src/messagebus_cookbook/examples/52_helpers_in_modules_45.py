"""A reviews worker keeps one connection per process, from one envelope to the next."""

import asyncio
import time

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from reviews.entrypoints.worker import QUEUE
from tests.reviews.club_stream import create_club_app, create_club_transport
from tests.reviews.envelopes import registered
from tests.reviews.processes import StartWorker, WorkerProcess
from transactional_outbox.stream import declare

pytestmark = [
    pytest.mark.broker,
    pytest.mark.parametrize("reviews_database", ["postgresql"], indirect=True),
]

ENVELOPES = 100
PROCESSES = 2
# Seconds for the worker to handle every envelope.
BOUND = 30

# Every other client of the test's database, each as its backend's process
# id and start: a connection made again is a new one. PostgreSQL's own
# workers, autovacuum's among them, list the database too: left out.
CONNECTIONS = text(
    "SELECT pid, backend_start FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND backend_type = 'client backend'"
)


async def watch_connections(
    engine: AsyncEngine, worker: WorkerProcess
) -> set[tuple[int, object]]:
    """Every connection seen until the worker has handled every envelope."""
    seen: set[tuple[int, object]] = set()
    deadline = time.monotonic() + BOUND
    async with engine.connect() as connection:
        while (printed := worker.output()).count(": handled") < ENVELOPES:
            if worker.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"not {ENVELOPES} envelopes handled in {BOUND} s:\n{printed}"
                )
            result = await connection.execute(CONNECTIONS)
            seen.update((row.pid, row.backend_start) for row in result)
            await connection.rollback()
            await asyncio.sleep(0.005)
    return seen


async def test_each_process_of_a_worker_keeps_one_connection(
    envelope: dict[str, str],
    broker_url: str,
    reviews_database: str,
    reviews_engine: AsyncEngine,
    start_reviews_worker: StartWorker,
) -> None:
    app = create_club_app(broker_url)
    declare(app, [QUEUE])
    worker = start_reviews_worker(
        reviews_database, broker_url, "--concurrency", str(PROCESSES)
    )
    await worker.wait_for(" ready.")
    envelopes = [registered(number, envelope) for number in range(1, ENVELOPES + 1)]
    assert await create_club_transport(app).send_batch(envelopes) == [None] * ENVELOPES

    connections = len(await watch_connections(reviews_engine, worker))
    status = worker.stop()

    assert 1 <= connections <= PROCESSES
    assert status == 0
    assert "Traceback" not in worker.output()
