"""The outbox and its relay in a service that is not the reading club."""

import json
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from messagebus import AsyncAbstractEventstreamTransport, Message
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.transactional_outbox.inventory import (
    ItemDiscontinued,
    StockAdjusted,
    StockCounted,
    outbox,
    stream_keys,
)
from transactional_outbox.relay import OutboxRelay
from transactional_outbox.table import NoStreamKey, StreamKeys, add_to_outbox

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
