"""A unit of work on a SQL database: one connection, one transaction."""

import abc
from types import TracebackType
from typing import Any, TypeVar

from messagebus import (
    AsyncAbstractMessageStoreRepository,
    AsyncAbstractRepository,
    AsyncAbstractUnitOfWork,
    AsyncUnitOfWorkTransaction,
)
from messagebus.ports.observability import AbstractMetricsStore
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

TRepositories = TypeVar("TRepositories", bound=AsyncAbstractRepository[Any])
TMessageStore = TypeVar("TMessageStore", bound=AsyncAbstractMessageStoreRepository)
TSQLUnitOfWork = TypeVar("TSQLUnitOfWork", bound="SQLUnitOfWork[Any, Any]")


class SQLUnitOfWork(
    AsyncAbstractUnitOfWork[TRepositories, TMessageStore, AbstractMetricsStore]
):
    """A connection and its transaction for each ``async with`` block.

    A service's unit of work derives from it and from its own abstract one,
    and gives its repositories the connection in :meth:`open_repositories`.
    """

    connection: AsyncConnection

    def __init__(
        self, engine: AsyncEngine, metrics_store: AbstractMetricsStore | None = None
    ) -> None:
        self.engine = engine
        if metrics_store is not None:
            # Without one, the bus counts nothing.
            self.metrics_store = metrics_store

    @abc.abstractmethod
    def open_repositories(self, connection: AsyncConnection) -> None:
        """Set the repositories and the message store of one transaction."""

    async def __aenter__(
        self: TSQLUnitOfWork,
    ) -> AsyncUnitOfWorkTransaction[TSQLUnitOfWork]:
        self.connection = await self.engine.connect()
        try:
            await self.connection.begin()
            self.open_repositories(self.connection)
            return await super().__aenter__()
        except BaseException:
            # No block runs, and no __aexit__ closes it.
            await self.connection.close()
            raise

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


class SQLRepository:
    """A repository on the connection of one transaction.

    Listed first among its bases, as in ``class SQLBooks(SQLRepository,
    AbstractBooks)``: the abstract repository's own ``__init__`` runs too.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        super().__init__()
        self.connection = connection
