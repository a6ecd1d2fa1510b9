"""A service that is not the reading club: its stock, kept from a warehouse's stream."""

from types import TracebackType
from typing import Any

from messagebus import (
    AsyncAbstractUnitOfWork,
    AsyncMessageBus,
    AsyncUnitOfWorkTransaction,
    Event,
    Metadata,
)
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from idempotent_consumer.consumer import Consumer
from idempotent_consumer.envelopes import EnvelopeReader, Payload
from idempotent_consumer.stores import SQLDeadLetters, SQLInbox
from idempotent_consumer.tables import dead_letters_table, inbox_table


class StockAdjusted(Event):
    """The warehouse counted a change in the stock of an item."""

    sku: str
    change: int
    metadata: Metadata = Metadata(name="stock_adjusted", schema_version=2)


def stock_adjusted_v1_to_v2(payload: Payload) -> Payload:
    """Version 1 called the change ``delta``."""
    upcast = dict(payload)
    upcast["change"] = upcast.pop("delta")
    return upcast


READER = EnvelopeReader(
    events={"stock_adjusted_v2": StockAdjusted},
    upcasters={"stock_adjusted_v1": ("stock_adjusted_v2", stock_adjusted_v1_to_v2)},
)

metadata = MetaData()
stock = Table(
    "stock",
    metadata,
    Column("sku", String, primary_key=True),
    Column("quantity", Integer, nullable=False),
)
inbox = inbox_table(metadata, "inventory_inbox")
dead_letters = dead_letters_table(metadata, "inventory_dead_letters")


class InventoryUnitOfWork(AsyncAbstractUnitOfWork[Any, Any, Any]):
    """A connection and its transaction, with the consumer's inbox and dead letters."""

    connection: AsyncConnection

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def __aenter__(self) -> AsyncUnitOfWorkTransaction["InventoryUnitOfWork"]:
        self.connection = await self.engine.connect()
        try:
            await self.connection.begin()
        except BaseException:
            await self.connection.close()
            raise
        self.inbox = SQLInbox(self.connection, inbox)
        self.dead_letters = SQLDeadLetters(self.connection, dead_letters)
        return await super().__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await super().__aexit__(exc_type, exc, tb)
        finally:
            await self.connection.close()

    async def commit(self) -> None:
        await self.connection.commit()

    async def rollback(self) -> None:
        await self.connection.rollback()


async def adjust_stock(
    event: StockAdjusted, transaction: AsyncUnitOfWorkTransaction[InventoryUnitOfWork]
) -> None:
    await transaction.uow.connection.execute(
        insert(stock)
        .values(sku=event.sku, quantity=event.change)
        .on_conflict_do_update(
            index_elements=[stock.c.sku],
            set_={"quantity": stock.c.quantity + event.change},
        )
    )


def create_consumer(engine: AsyncEngine) -> Consumer[InventoryUnitOfWork]:
    """The inventory's consumer, on its database."""
    bus: AsyncMessageBus[InventoryUnitOfWork] = AsyncMessageBus()
    bus.add_listener(StockAdjusted, adjust_stock)
    return Consumer(READER, bus, lambda: InventoryUnitOfWork(engine))
