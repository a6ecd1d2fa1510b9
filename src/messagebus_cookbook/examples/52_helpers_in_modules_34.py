"""The reviews service's database stops and starts again while its worker consumes."""

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from lastuuid.dummies import uuidgen
from sqlalchemy.ext.asyncio import AsyncEngine

from reviews.adapters.orm import create_engine, metadata
from tests.real_servers.postgresql import RestartablePostgreSQL
from tests.reviews.club_stream import publish
from tests.reviews.envelopes import registered
from tests.reviews.processes import StartWorker
from tests.reviews.tables import rows

pytestmark = pytest.mark.broker

# Seconds for every envelope to take effect once the database is back.
BOUND = 10


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
