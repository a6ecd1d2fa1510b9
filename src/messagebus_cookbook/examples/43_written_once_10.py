"""The outbox and its relay in a service that is not the reading club."""

import json
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from messagebus import AsyncAbstractEventstreamTransport, Message
from prometheus_client import REGISTRY, CollectorRegistry
from sqlalchemy import MetaData, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.transactional_outbox.inventory import (
    ItemDiscontinued,
    StockAdjusted,
    StockCounted,
    outbox,
    stream_keys,
)
from transactional_outbox.metrics import RelayMetrics
from transactional_outbox.relay import OutboxRelay
from transactional_outbox.table import (
    NoStreamKey,
    OutboxStore,
    StreamKeys,
    add_to_outbox,
    outbox_table,
)

# Two changes to the stock of one item, and one to another item.
ADJUSTMENTS = [
    StockAdjusted(sku="BOOK-0001", change=5),
    StockAdjusted(sku="BOOK-0001", change=-2),
    StockAdjusted(sku="BOOK-0002", change=1),
]


class FailsOnce(AsyncAbstractEventstreamTransport):
    """A stream that refuses the first envelope it is given, then keeps them."""

    def __init__(self) -> None:
        self.refused = False
        self.kept: list[Mapping[str, Any]] = []

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        if not self.refused:
            self.refused = True
            raise ConnectionError("the broker did not answer")
        self.kept.append(message)


async def write(engine: AsyncEngine, events: Sequence[StockAdjusted]) -> None:
    async with engine.begin() as connection:
        for event in events:
            await add_to_outbox(connection, outbox, event, key=stream_keys(event))


async def send_everything(relay: OutboxRelay) -> None:
    while await relay.pending():
        await relay.send_pending()


async def test_the_outbox_is_the_table_the_service_names(
    inventory_engine: AsyncEngine,
) -> None:
    await write(inventory_engine, ADJUSTMENTS)

    async with inventory_engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        keys = await connection.scalars(
            select(outbox.c.stream_key).order_by(outbox.c.position)
        )
    assert tables == ["inventory_outbox"]
    assert list(keys) == ["BOOK-0001", "BOOK-0001", "BOOK-0002"]


async def test_a_unit_of_work_s_store_writes_each_published_message_in_the_outbox(
    inventory_engine: AsyncEngine,
) -> None:
    async with inventory_engine.begin() as connection:
        store = OutboxStore(connection, outbox, stream_keys, lambda: "count-of-aisle-4")
        await store.add(StockAdjusted(sku="BOOK-0001", change=5))
        await store.add(StockCounted(sku="BOOK-0001", quantity=12))

    async with inventory_engine.connect() as connection:
        rows = await connection.execute(select(outbox.c.stream_key, outbox.c.envelope))
        written = [
            (key, envelope["type"], envelope["metadata"]["correlation_id"])
            for key, envelope in rows
        ]
    # The count is kept to the inventory: only the adjustment is published.
    assert written == [("BOOK-0001", "stock_adjusted_v1", "count-of-aisle-4")]


async def test_a_store_refuses_a_published_message_without_a_key(
    inventory_engine: AsyncEngine,
) -> None:
    async with inventory_engine.connect() as connection:
        store = OutboxStore(connection, outbox, stream_keys)
        with pytest.raises(NoStreamKey, match="ItemDiscontinued has no stream key"):
            await store.add(ItemDiscontinued(sku="BOOK-0001"))
        await connection.rollback()


async def test_the_changes_of_one_item_reach_the_stream_in_order(
    inventory_engine: AsyncEngine,
) -> None:
    await write(inventory_engine, ADJUSTMENTS)
    transport = FailsOnce()
    relay = OutboxRelay(inventory_engine, outbox, transport, backoff=timedelta(0))

    await send_everything(relay)

    sent = [json.loads(envelope["payload"]) for envelope in transport.kept]
    # The first change failed once: the second waited for it, the other item did not.
    assert sent == [
        {"sku": "BOOK-0002", "change": 1},
        {"sku": "BOOK-0001", "change": 5},
        {"sku": "BOOK-0001", "change": -2},
    ]


async def test_relays_that_share_a_registry_count_apart(
    inventory_engine: AsyncEngine,
) -> None:
    returns = outbox_table(MetaData(), "returns_outbox")
    async with inventory_engine.begin() as connection:
        await connection.run_sync(returns.create)
        await add_to_outbox(connection, returns, ADJUSTMENTS[0], key="BOOK-0001")
    await write(inventory_engine, ADJUSTMENTS)
    registry = CollectorRegistry()
    metrics = RelayMetrics(registry)
    inventory_relay = OutboxRelay(
        inventory_engine, outbox, FailsOnce(), backoff=timedelta(0), metrics=metrics
    )
    # The returns' stream refuses its one envelope: it waits for a minute.
    returns_relay = OutboxRelay(inventory_engine, returns, FailsOnce(), metrics=metrics)

    await send_everything(inventory_relay)
    await returns_relay.send_pending()

    def counted(series: str, table: str) -> float | None:
        return registry.get_sample_value(series, {"outbox": table})

    assert counted("outbox_relay_sent_total", "inventory_outbox") == 3
    assert counted("outbox_relay_failed_total", "inventory_outbox") == 1
    assert counted("outbox_relay_oldest_pending_seconds", "inventory_outbox") == 0
    assert counted("outbox_relay_sent_total", "returns_outbox") == 0
    assert counted("outbox_relay_failed_total", "returns_outbox") == 1
    waiting = counted("outbox_relay_oldest_pending_seconds", "returns_outbox")
    assert waiting is not None and waiting > 0
    assert counted("outbox_relay_dead_total", "returns_outbox") == 0


async def test_a_relay_given_no_metrics_counts_in_a_registry_of_its_own(
    inventory_engine: AsyncEngine,
) -> None:
    await write(inventory_engine, ADJUSTMENTS)
    relay = OutboxRelay(inventory_engine, outbox, FailsOnce(), backoff=timedelta(0))
    other = OutboxRelay(inventory_engine, outbox, FailsOnce())

    await send_everything(relay)

    labels = {"outbox": "inventory_outbox"}
    sent = "outbox_relay_sent_total"
    assert relay.metrics.registry.get_sample_value(sent, labels) == 3
    assert other.metrics.registry is not relay.metrics.registry
    assert other.metrics.registry.get_sample_value(sent, labels) == 0
    assert REGISTRY.get_sample_value(sent, labels) is None


def test_a_published_type_without_a_key_is_refused() -> None:
    with pytest.raises(NoStreamKey, match="ItemDiscontinued has no stream key"):
        stream_keys(ItemDiscontinued(sku="BOOK-0001"))


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({StockAdjusted: "id"}, "StockAdjusted has no field 'id'"),
        # The message's own id would make each message a stream of its own.
        ({StockAdjusted: "message_id"}, "StockAdjusted has no field 'message_id'"),
        ({StockCounted: "sku"}, "StockCounted is not published"),
    ],
)
def test_a_key_is_a_field_of_a_published_type(
    fields: dict[type[Message[Any]], str], refusal: str
) -> None:
    with pytest.raises(ValueError, match=refusal):
        StreamKeys(fields)
