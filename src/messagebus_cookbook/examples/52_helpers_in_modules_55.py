"""The consumer in a Celery worker: a passing fault is tried again, a bug kept aside."""

import asyncio
import time
from collections.abc import Callable
from typing import Any

from celery import Celery, Task
from celery.contrib.testing.worker import start_worker
from kombu import Queue
from messagebus import AsyncMessageBus, AsyncUnitOfWorkTransaction
from prometheus_client import CollectorRegistry
from sqlalchemy import URL, Table, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from idempotent_consumer.celery import close_on_shutdown, create_consumer_app, handle
from idempotent_consumer.consumer import Consumer
from idempotent_consumer.event_loop import ProcessEventLoop
from idempotent_consumer.metrics import ConsumerMetrics
from tests.idempotent_consumer.inventory import (
    READER,
    InventoryUnitOfWork,
    StockAdjusted,
    adjust_stock,
    dead_letters,
    stock,
)
from tests.idempotent_consumer.samples import TEN_MORE, rows

TASK_NAME = "warehouse.eventstream"
QUEUE = Queue("inventory")
THREE_TABLES = {
    **TEN_MORE,
    "id": "0190f3e4-8a4b-7c1e-9a7e-3f5b2c1d0e12",
    "payload": '{"sku":"TABLE-ELM","change":3}',
}


def worker_app(
    url: URL, failures: dict[str, list[Exception]], metrics: ConsumerMetrics
) -> tuple[Celery, Callable[[], None]]:
    """The inventory's worker, and what closes its loop.

    The handler raises the failures of an item first, in turn.
    """
    app = create_consumer_app("inventory", "memory://", QUEUE)
    # An idle worker polls its in-memory queue: every tenth of a second.
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "polling_interval": 0.1,
    }
    # The worker's loop runs in the worker's thread: no pooled connection
    # may cross to the test's loop.
    engine = create_async_engine(url, poolclass=NullPool)

    async def fail_then_adjust(
        event: StockAdjusted, transaction: AsyncUnitOfWorkTransaction[Any]
    ) -> None:
        if failures.get(event.sku):
            raise failures[event.sku].pop(0)
        await adjust_stock(event, transaction)

    bus: AsyncMessageBus[InventoryUnitOfWork] = AsyncMessageBus()
    bus.add_listener(StockAdjusted, fail_then_adjust)
    consumer = Consumer(READER, bus, lambda: InventoryUnitOfWork(engine))
    event_loop = ProcessEventLoop()
    event_loop.on_close(engine.dispose)
    # The test's worker is stopped without its shutdown signal: the test
    # closes the loop itself.
    close = close_on_shutdown(app, event_loop)

    # Tried again for as long as it takes: create_consumer_app sees to it.
    @app.task(name=TASK_NAME, shared=False, bind=True)
    def eventstream(task: Task[Any, str], envelope: Any) -> str:
        return handle(task, envelope, consumer, event_loop, QUEUE, metrics)

    return app, close


async def wait_for_rows(
    engine: AsyncEngine, table: Table, timeout: float = 10
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while not (found := await rows(engine, table)):
        assert time.monotonic() < deadline, f"no row in {table.name} in {timeout} s"
        await asyncio.sleep(0.05)
    return found


async def test_a_passing_fault_is_tried_again_and_a_bug_kept_aside(
    inventory_engine: AsyncEngine,
) -> None:
    registry = CollectorRegistry()
    # A worker stops in 4 s at most: one for both envelopes.
    app, close = worker_app(
        inventory_engine.url,
        {
            "CHAIR-OAK": [ConnectionResetError("the database went away")],
            "TABLE-ELM": [ValueError("a bug")],
        },
        ConsumerMetrics(registry),
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        for envelope in (TEN_MORE, THREE_TABLES):
            app.send_task(TASK_NAME, args=[envelope], queue=QUEUE.name)

        [kept] = await wait_for_rows(inventory_engine, dead_letters)
        adjusted = await wait_for_rows(inventory_engine, stock)
    # Its loop runs on, to close, in a thread where no other loop runs.
    await asyncio.to_thread(close)

    assert (kept["envelope"], kept["error"]) == (THREE_TABLES, "ValueError: a bug")
    assert adjusted == [{"sku": "CHAIR-OAK", "quantity": 10}]
    counted = {
        outcome: registry.get_sample_value(
            "consumer_envelopes_total", {"queue": "inventory", "outcome": outcome}
        )
        for outcome in ("handled", "retried", "dead_lettered")
    }
    assert counted == {"handled": 1, "retried": 1, "dead_lettered": 1}


def test_a_task_is_tried_again_for_as_long_as_a_fault_lasts() -> None:
    app, close = worker_app(
        make_url("postgresql+asyncpg:///inventory"),
        {},
        ConsumerMetrics(CollectorRegistry()),
    )

    # Celery's default is 3 retries, then the envelope would be acknowledged.
    assert app.tasks[TASK_NAME].max_retries is None
    close()
