from collections.abc import AsyncIterator

import pytest
from messagebus import AsyncEventstreamPublisher
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from reading_club.adapters.uow_sqla.orm import metadata
from reading_club.adapters.uow_sqla.uow import SQLUnitOfWork
from tests.conftest import InMemoryEventstreamTransport


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow(engine: AsyncEngine, transport: InMemoryEventstreamTransport) -> SQLUnitOfWork:
    return SQLUnitOfWork(engine, AsyncEventstreamPublisher(transport))
