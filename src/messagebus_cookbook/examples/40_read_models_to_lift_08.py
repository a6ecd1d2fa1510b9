"""The stock levels, made again from the events the inventory recorded."""

import asyncio
from collections.abc import Sequence

import pytest
from messagebus import Event
from messagebus.service.eventstream import MessageSerializer
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from read_models.rebuild import empty_for_rebuild
from read_models.recorded import recorded_events
from tests.read_models.inventory import (
    COUNTED,
    StockAdjusted,
    StockCounted,
    adjust,
    levels,
    rebuild_stock_levels,
    recorded,
    stock_levels,
)

ADJUSTMENTS = [
    StockAdjusted(sku="CHAIR-OAK", change=10),
    StockAdjusted(sku="TABLE-ELM", change=3),
    StockAdjusted(sku="CHAIR-OAK", change=-2),
    StockAdjusted(sku="LAMP-TEAK", change=1),
    StockAdjusted(sku="TABLE-ELM", change=-1),
]
LEVELS = {"CHAIR-OAK": 8, "TABLE-ELM": 2, "LAMP-TEAK": 1}


async def record(
    engine: AsyncEngine, events: Sequence[Event], type: str | None = None
) -> None:
    """Record the events in order, each of ``type`` if it is given."""
    serializer = MessageSerializer()
    async with engine.begin() as connection:
        for event in events:
            envelope = serializer.serialize_message(event)
            if type is not None:
                envelope = {**envelope, "type": type}
            await connection.execute(insert(recorded).values(envelope=envelope))


def is_lock_timeout(error: DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) == "55P03"


async def test_the_events_come_back_in_the_order_of_their_positions(
    inventory_engine: AsyncEngine,
) -> None:
    counted = StockCounted(sku="CHAIR-OAK", quantity=8)
    written = [*ADJUSTMENTS[:2], counted, *ADJUSTMENTS[2:]]
    serializer = MessageSerializer()
    async with inventory_engine.begin() as connection:
        # Written last first: the position, not the order of the rows, counts.
        for position, event in reversed(list(enumerate(written, start=1))):
            envelope = serializer.serialize_message(event)
            await connection.execute(
                insert(recorded).values(position=position, envelope=envelope)
            )

    async with inventory_engine.connect() as connection:
        # Batches of 2 rows: the events of six rows come in three batches.
        read = [
            event
            async for event in recorded_events(
                connection, recorded, COUNTED, batch_size=2
            )
        ]

    assert read == ADJUSTMENTS


async def test_a_type_that_is_no_version_of_an_event_is_refused(
    inventory_engine: AsyncEngine,
) -> None:
    async with inventory_engine.connect() as connection:
        events = recorded_events(connection, recorded, {"stock": StockAdjusted})
        with pytest.raises(ValueError, match="'stock' is not a type of envelope"):
            await anext(events)


async def test_a_rebuild_replaces_every_row(inventory_engine: AsyncEngine) -> None:
    await record(inventory_engine, ADJUSTMENTS)
    async with inventory_engine.begin() as connection:
        await connection.execute(
            insert(stock_levels).values(sku="SOFA-GONE", quantity=4)
        )

    await rebuild_stock_levels(inventory_engine, batch_size=2)

    assert await levels(inventory_engine) == LEVELS


async def test_another_version_stops_the_rebuild_and_changes_nothing(
    inventory_engine: AsyncEngine,
) -> None:
    await record(inventory_engine, ADJUSTMENTS)
    await rebuild_stock_levels(inventory_engine)
    # An older version, recorded after the others: the rebuild has emptied
    # the table when it meets it.
    await record(inventory_engine, ADJUSTMENTS[:1], type="stock_adjusted_v1")

    with pytest.raises(
        ValueError, match="stock_adjusted_v1: the read model reads stock_adjusted_v2"
    ):
        await rebuild_stock_levels(inventory_engine, batch_size=2)

    assert await levels(inventory_engine) == LEVELS


async def test_writers_wait_for_the_rebuild_and_readers_do_not(
    inventory_engine: AsyncEngine,
) -> None:
    await record(inventory_engine, ADJUSTMENTS)
    await rebuild_stock_levels(inventory_engine)

    async with inventory_engine.connect() as rebuilding:
        await rebuilding.begin()
        await empty_for_rebuild(rebuilding, stock_levels)
        async with inventory_engine.connect() as writer:
            await writer.begin()
            # A writer would wait until the rebuild ends: 0.2 s, then it gives up.
            await writer.execute(text("SET LOCAL lock_timeout = '200ms'"))
            with pytest.raises(DBAPIError) as refused:
                await adjust(writer, StockAdjusted(sku="SOFA-NEW", change=1))
            assert is_lock_timeout(refused.value)
        async with inventory_engine.connect() as reader:
            await reader.begin()
            # A reader does not wait: it sees the former rows until the commit.
            await reader.execute(text("SET LOCAL lock_timeout = '200ms'"))
            result = await reader.execute(select(stock_levels.c.sku))
            assert sorted(result.scalars()) == sorted(LEVELS)
        await rebuilding.rollback()


async def test_an_adjustment_under_way_is_waited_for_and_counted(
    inventory_engine: AsyncEngine,
) -> None:
    await record(inventory_engine, ADJUSTMENTS)
    await rebuild_stock_levels(inventory_engine)

    async with inventory_engine.connect() as writer:
        await writer.begin()
        await adjust(writer, StockAdjusted(sku="LAMP-TEAK", change=4))
        rebuilding = asyncio.create_task(rebuild_stock_levels(inventory_engine))
        await asyncio.sleep(0.2)
        # The rebuild waits for the writer's lock of the stock levels.
        assert not rebuilding.done()
        await writer.commit()
    await rebuilding

    assert await levels(inventory_engine) == {**LEVELS, "LAMP-TEAK": 5}
