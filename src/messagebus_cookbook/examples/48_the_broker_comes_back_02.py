"""A broker out of reach: the rows wait for it, not for their backoff."""

import asyncio
import logging
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest
from messagebus import AsyncAbstractEventstreamTransport
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.transactional_outbox.inventory import StockAdjusted, outbox, stream_keys
from transactional_outbox.relay import OutboxRelay, StreamUnavailable
from transactional_outbox.table import add_to_outbox

POLL_INTERVAL = 0.05
ADJUSTMENTS = [
    StockAdjusted(sku="BOOK-0001", change=5),
    StockAdjusted(sku="BOOK-0002", change=1),
]


class BrokerAway(AsyncAbstractEventstreamTransport):
    """A stream whose broker is out of reach until the test brings it back."""

    def __init__(self) -> None:
        self.away = True
        self.tried = asyncio.Condition()
        self.tries = 0
        self.kept: list[Mapping[str, Any]] = []

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        async with self.tried:
            self.tries += 1
            self.tried.notify_all()
        if self.away:
            raise StreamUnavailable("Error 111 connecting to the broker")
        self.kept.append(message)

    async def wait_for_tries(self, count: int) -> None:
        async with self.tried:
            await self.tried.wait_for(lambda: self.tries >= count)


async def write(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for event in ADJUSTMENTS:
            await add_to_outbox(connection, outbox, event, key=stream_keys(event))


async def test_an_outage_costs_the_rows_no_attempt(
    inventory_engine: AsyncEngine,
) -> None:
    await write(inventory_engine)
    transport = BrokerAway()
    # Two attempts, then a row is dead; each failure waits a minute.
    relay = OutboxRelay(
        inventory_engine,
        outbox,
        transport,
        max_attempts=2,
        backoff=timedelta(minutes=1),
    )

    for _ in range(3):
        with pytest.raises(StreamUnavailable):
            await relay.send_pending()

    async with inventory_engine.connect() as connection:
        rows = (await connection.execute(select(outbox))).mappings().all()
    assert [(row["status"], row["attempts"], row["last_error"]) for row in rows] == [
        ("pending", 0, None),
        ("pending", 0, None),
    ]
    # The broker is back: both rows are due at once.
    transport.away = False
    assert await relay.send_pending() == 2
    assert len(transport.kept) == 2


async def test_the_relay_resumes_within_its_poll_interval(
    inventory_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    await write(inventory_engine)
    transport = BrokerAway()
    relay = OutboxRelay(
        inventory_engine, outbox, transport, poll_interval=POLL_INTERVAL
    )
    stop = asyncio.Event()
    caplog.set_level(logging.INFO, logger="transactional_outbox.relay")

    started = time.monotonic()
    running = asyncio.create_task(relay.run(stop))
    try:
        # Ten tries of a batch of two: far more than one row's backoff allows,
        await asyncio.wait_for(transport.wait_for_tries(20), timeout=5)
        # and no more than one a poll interval: not a busy loop.
        batches = transport.tries / len(ADJUSTMENTS)
        assert batches <= (time.monotonic() - started) / POLL_INTERVAL + 2
        transport.away = False
        # Wait for the relay to say so: once it does, its batch is over.
        async with asyncio.timeout(1):
            while not logged("the stream is back after", caplog):
                await asyncio.sleep(0.01)
    finally:
        stop.set()
        await running

    assert len(transport.kept) == 2
    assert await relay.pending() == 0
    assert logged("the stream is out of reach", caplog) == 1
    assert logged("the stream is back after", caplog) == 1


def logged(text: str, caplog: pytest.LogCaptureFixture) -> int:
    """How many lines the test's log has that hold ``text``."""
    return sum(text in record.getMessage() for record in caplog.records)
