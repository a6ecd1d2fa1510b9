"""A service that is not the reading club: its stock levels, rebuilt from its events."""

from messagebus import Event, Metadata
from messagebus.service.eventstream import MessageSerializer
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from read_models.rebuild import empty_for_rebuild, fill
from read_models.recorded import recorded_events


class StockAdjusted(Event):
    """The stock of an item has changed."""

    sku: str
    change: int
    metadata: Metadata = Metadata(
        name="stock_adjusted", schema_version=2, published=True
    )


class StockCounted(Event):
    """An event the stock levels do not count."""

    sku: str
    quantity: int
    metadata: Metadata = Metadata(name="stock_counted", schema_version=1)


metadata = MetaData()
# Where the inventory records its events, as an outbox keeps them once sent.
recorded = Table(
    "inventory_outbox",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=True),
    Column("envelope", JSON, nullable=False),
)
# The read model: the quantity of each item.
stock_levels = Table(
    "stock_levels",
    metadata,
    Column("sku", String, primary_key=True),
    Column("quantity", Integer, nullable=False),
)
COUNTED = {"stock_adjusted_v2": StockAdjusted}


async def rebuild_stock_levels(engine: AsyncEngine, batch_size: int = 500) -> None:
    """Make the stock levels again from every adjustment recorded."""
    async with engine.begin() as connection:
        await empty_for_rebuild(connection, stock_levels)
        levels: dict[str, int] = {}
        events = recorded_events(connection, recorded, COUNTED, batch_size=batch_size)
        async for event in events:
            levels[event.sku] = levels.get(event.sku, 0) + event.change
        await fill(
            connection,
            stock_levels,
            [{"sku": sku, "quantity": quantity} for sku, quantity in levels.items()],
        )


async def adjust(connection: AsyncConnection, event: StockAdjusted) -> None:
    """What the live handler does: the item's level first, then the event."""
    await connection.execute(
        insert(stock_levels)
        .values(sku=event.sku, quantity=event.change)
        .on_conflict_do_update(
            index_elements=[stock_levels.c.sku],
            set_={"quantity": stock_levels.c.quantity + event.change},
        )
    )
    envelope = MessageSerializer().serialize_message(event)
    await connection.execute(recorded.insert().values(envelope=envelope))


async def levels(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        result = await connection.execute(select(stock_levels))
        return {row.sku: row.quantity for row in result}
