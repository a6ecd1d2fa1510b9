"""The unit of work of a service: each block starts clean."""

from typing import Any

from messagebus import (
    AsyncAbstractRepository,
    AsyncSinkholeMessageStoreRepository,
    Event,
    GenericModel,
    Metadata,
)

from service_chassis.unit_of_work import ServiceUnitOfWork


class StockAdjusted(Event):
    sku: str
    change: int
    metadata: Metadata = Metadata(
        name="stock_adjusted", schema_version=1, published=True
    )


class Item(GenericModel[Any]):
    sku: str


class Items(AsyncAbstractRepository[Item]):
    async def add(self, model: Item) -> None:
        self.seen.append(model)


class StockUnitOfWork(ServiceUnitOfWork[Items]):
    """Repositories kept from block to block, as a unit of work in memory has."""

    def __init__(self) -> None:
        self.items = Items()
        self.messagestore = AsyncSinkholeMessageStoreRepository()

    async def commit(self) -> None:
        pass

    async def rollback(self) -> None:
        pass


async def test_a_block_publishes_nothing_that_a_block_rolled_back_left() -> None:
    uow = StockUnitOfWork()
    async with uow as transaction:
        item = Item(sku="A-1")
        item.messages.append(StockAdjusted(sku="A-1", change=-2))
        await transaction.items.add(item)
        await transaction.messagestore.add(StockAdjusted(sku="A-1", change=-2))
        await transaction.rollback()

    async with uow as transaction:
        left = list(uow.collect_new_events()), list(uow.messagestore.stream_buffer)
        await transaction.rollback()

    assert left == ([], [])
