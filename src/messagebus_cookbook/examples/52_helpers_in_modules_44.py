import asyncio
import contextlib
import time
from collections.abc import Iterator
from typing import Any

import pytest
from kombu import Connection, Queue
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.reviews.club_stream import CLUB_STREAM, publish
from tests.reviews.processes import reviews_worker
from tests.reviews.tables import rows

pytestmark = [
    pytest.mark.broker,
    pytest.mark.parametrize("reviews_database", ["sqlite"], indirect=True),
]


@contextlib.contextmanager
def another_service_queue(broker_url: str) -> Iterator[Queue]:
    """The queue of another service, bound to the stream; nobody reads it."""
    with Connection(broker_url) as connection:
        queue = CLUB_STREAM.subscription("another_service")(connection.default_channel)
        queue.declare()
        try:
            yield queue
        finally:
            queue.delete()


async def known_books(engine: AsyncEngine, timeout: float = 10) -> list[Any]:
    """The books the reviews service knows, as soon as it knows one."""
    deadline = time.monotonic() + timeout
    while True:
        books = (await rows(engine))["books"]
        if books or time.monotonic() > deadline:
            return books
        await asyncio.sleep(0.1)


async def test_each_service_gets_every_envelope(
    envelope: dict[str, str],
    broker_url: str,
    reviews_database: str,
    reviews_engine: AsyncEngine,
) -> None:
    with another_service_queue(broker_url) as other:
        with reviews_worker(reviews_database, broker_url):
            await publish(broker_url, envelope)
            books = await known_books(reviews_engine)
        message = other.get(no_ack=True)

    assert [book["title"] for book in books] == ["Domain Driven Design"]
    assert message is not None, "the other service got nothing"
    args, _kwargs, _embed = message.decode()
    assert args == [envelope]


async def test_the_service_gets_the_envelopes_of_version_1(
    envelope_v1: dict[str, str],
    broker_url: str,
    reviews_database: str,
    reviews_engine: AsyncEngine,
) -> None:
    with reviews_worker(reviews_database, broker_url):
        await publish(broker_url, envelope_v1)
        books = await known_books(reviews_engine)

    assert [book["title"] for book in books] == ["Domain Driven Design"]


async def test_a_service_that_was_down_gets_what_was_published(
    envelope: dict[str, str],
    broker_url: str,
    reviews_database: str,
    reviews_engine: AsyncEngine,
) -> None:
    # Its first start binds the service's queue to the stream.
    with reviews_worker(reviews_database, broker_url):
        pass
    await publish(broker_url, envelope)
    assert await known_books(reviews_engine, timeout=1) == []

    with reviews_worker(reviews_database, broker_url):
        books = await known_books(reviews_engine)

    assert [book["title"] for book in books] == ["Domain Driven Design"]


async def test_a_service_waits_for_its_database_on_its_own_queue(
    envelope: dict[str, str],
    broker_url: str,
    reviews_database: str,
    reviews_engine: AsyncEngine,
) -> None:
    # Nothing listens on port 9: the database is down.
    down = "postgresql+asyncpg://reviews@127.0.0.1:9/reviews"
    with another_service_queue(broker_url) as other:
        with reviews_worker(down, broker_url):
            await publish(broker_url, envelope)
            # Tried at once, then after a second, then after two.
            await asyncio.sleep(2)
        # The database is back: the envelope waited in the service's queue.
        with reviews_worker(reviews_database, broker_url):
            books = await known_books(reviews_engine)
        copies = other.get(no_ack=True), other.get(no_ack=True)

    assert [book["title"] for book in books] == ["Domain Driven Design"]
    # The retries went to the reviews queue only.
    assert copies[0] is not None and copies[1] is None
