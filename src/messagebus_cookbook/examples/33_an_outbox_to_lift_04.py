"""The outbox and its relay in a service that is not the reading club."""

import json
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from messagebus import AsyncAbstractEventstreamTransport
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.transactional_outbox.inventory import StockAdjusted, outbox
from transactional_outbox.relay import OutboxRelay
from transactional_outbox.table import add_to_outbox

# Two changes to the stock of one item, and one to another item.
ADJUSTMENTS = [
    StockAdjusted(sku="BOOK-0001", change=5),
    StockAdjusted(sku="BOOK-0001", change=-2),
    StockAdjusted(sku="BOOK-0002", change=1),
]


class InventoryRelay(OutboxRelay):
    """The relay of the inventory's outbox: a subclass, to name its table."""

    outbox = outbox


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
            await add_to_outbox(connection, outbox, event)


async def send_everything(relay: OutboxRelay) -> None:
    while await relay.pending():
        await relay.send_pending()


async def test_the_changes_of_one_item_reach_the_stream_in_order(
    inventory_engine: AsyncEngine,
) -> None:
    await write(inventory_engine, ADJUSTMENTS)
    transport = FailsOnce()
    relay = InventoryRelay(inventory_engine, transport, backoff=timedelta(0))

    await send_everything(relay)

    sent = [json.loads(envelope["payload"]) for envelope in transport.kept]
    # The first change failed once: the second waited for it, the other item did not.
    assert sent == [
        {"sku": "BOOK-0002", "change": 1},
        {"sku": "BOOK-0001", "change": 5},
        {"sku": "BOOK-0001", "change": -2},
    ]
