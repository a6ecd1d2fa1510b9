"""A unit of work on SQL: a connection for each block, closed after it."""

from collections.abc import AsyncIterator
from typing import Any, TypeVar

import pytest
from messagebus import (
    AsyncAbstractRepository,
    AsyncAbstractUnitOfWork,
    AsyncSinkholeMessageStoreRepository,
    AsyncUnitOfWorkTransaction,
    GenericModel,
)
from messagebus.ports.observability import AbstractMetricsStore
from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import StaticPool

from sql_database.engine import create_engine
from sql_database.unit_of_work import SQLRepository, SQLUnitOfWork

metadata = MetaData()
stock = Table(
    "stock",
    metadata,
    Column("sku", String, primary_key=True),
    Column("items", Integer, nullable=False),
)


class StockLevel(GenericModel[Any]):
    sku: str
    items: int


class AbstractStockLevels(AsyncAbstractRepository[StockLevel]):
    def __init__(self) -> None:
        super().__init__()
        # What a service's abstract repository may set up for itself.
        self.low_stock_below = 5


class StockLevels(SQLRepository, AbstractStockLevels):
    async def add(self, model: StockLevel) -> None:
        await self.connection.execute(
            stock.insert().values(sku=model.sku, items=model.items)
        )
        self.seen.append(model)


class StockUnitOfWork(SQLUnitOfWork[StockLevels, AsyncSinkholeMessageStoreRepository]):
    levels: StockLevels

    def open_repositories(self, connection: AsyncConnection) -> None:
        self.levels = StockLevels(connection)


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


async def stocked(engine: AsyncEngine) -> list[tuple[str, int]]:
    async with engine.connect() as connection:
        rows = await connection.execute(select(stock).order_by(stock.c.sku))
        return [(row.sku, row.items) for row in rows]


async def test_what_is_committed_is_kept(engine: AsyncEngine) -> None:
    async with StockUnitOfWork(engine) as transaction:
        await transaction.levels.add(StockLevel(sku="A-1", items=3))
        await transaction.commit()

    assert await stocked(engine) == [("A-1", 3)]


async def test_what_is_rolled_back_is_undone_at_once(engine: AsyncEngine) -> None:
    uow = StockUnitOfWork(engine)
    async with uow as transaction:
        await transaction.levels.add(StockLevel(sku="A-1", items=3))
        await transaction.rollback()
        # On the transaction's own connection: not only unseen from others.
        left = list(await uow.connection.scalars(select(stock.c.sku)))

    assert left == []
    assert await stocked(engine) == []


async def test_an_error_in_the_block_undoes_it_and_closes_the_connection(
    engine: AsyncEngine,
) -> None:
    uow = StockUnitOfWork(engine)
    with pytest.raises(LookupError):
        async with uow as transaction:
            await transaction.levels.add(StockLevel(sku="A-1", items=3))
            raise LookupError("no shelf for A-1")

    assert uow.connection.closed
    assert await stocked(engine) == []


class BrokenShelves(StockUnitOfWork):
    def open_repositories(self, connection: AsyncConnection) -> None:
        raise LookupError("no shelves table")


async def test_a_block_that_cannot_begin_closes_its_connection(
    engine: AsyncEngine,
) -> None:
    uow = BrokenShelves(engine)
    with pytest.raises(LookupError):
        async with uow:
            pytest.fail("the block ran")

    assert uow.connection.closed


TAbstractStock = TypeVar("TAbstractStock", bound="AbstractStock")


class AbstractStock(
    AsyncAbstractUnitOfWork[
        StockLevels, AsyncSinkholeMessageStoreRepository, AbstractMetricsStore
    ]
):
    """A service's abstract unit of work, that reads a repository on entering."""

    levels: StockLevels
    entered_on: AsyncConnection

    async def __aenter__(
        self: TAbstractStock,
    ) -> AsyncUnitOfWorkTransaction[TAbstractStock]:
        self.entered_on = self.levels.connection
        return await super().__aenter__()


class ServiceStock(
    SQLUnitOfWork[StockLevels, AsyncSinkholeMessageStoreRepository], AbstractStock
):
    """The SQL base first, the service's abstract unit of work next."""

    def open_repositories(self, connection: AsyncConnection) -> None:
        self.levels = StockLevels(connection)


async def test_a_service_s_abstract_unit_of_work_enters_with_its_repositories(
    engine: AsyncEngine,
) -> None:
    uow = ServiceStock(engine)
    async with uow as transaction:
        await transaction.rollback()

    assert uow.entered_on is uow.connection


async def test_each_block_has_a_connection_and_repositories_of_its_own(
    engine: AsyncEngine,
) -> None:
    uow = StockUnitOfWork(engine)
    async with uow as transaction:
        first = (uow.connection, uow.levels)
        await transaction.rollback()
    async with uow as transaction:
        second = (uow.connection, uow.levels)
        await transaction.rollback()

    assert first[0].closed and second[0].closed
    assert first[0] is not second[0]
    assert first[1] is not second[1]


async def test_a_repository_is_on_the_block_s_connection_and_set_up_by_its_base(
    engine: AsyncEngine,
) -> None:
    uow = StockUnitOfWork(engine)
    async with uow as transaction:
        levels = uow.levels
        await transaction.levels.add(StockLevel(sku="A-1", items=3))
        await transaction.commit()

    assert levels.connection is uow.connection
    # The abstract repository's own __init__ ran, and messagebus's under it.
    assert levels.low_stock_below == 5
    assert [level.sku for level in levels.seen] == ["A-1"]
