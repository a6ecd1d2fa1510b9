from collections.abc import AsyncIterator

import pytest
from lastuuid.dummies import uuidgen
from messagebus import AsyncEventstreamPublisher, AsyncMessageBus
from result import Ok
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import StaticPool

from reading_club.adapters.uow_sqla.orm import create_engine, metadata
from reading_club.adapters.uow_sqla.uow import SQLUnitOfWork
from reading_club.domain.messages import RegisterBook
from reading_club.domain.model import Book
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.conftest import InMemoryEventstreamTransport

DOMAIN_DRIVEN_DESIGN = Book(
    id=uuidgen(1),
    title="Domain Driven Design",
    author="Eric Evans",
    isbn="0-321-12521-5",
)
ARCHITECTURE_PATTERNS_WITH_PYTHON = Book(
    id=uuidgen(2),
    title="Architecture Patterns with Python",
    author="Harry Percival and Bob Gregory",
    isbn="978-1-492-05220-3",
)


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow(engine: AsyncEngine, transport: InMemoryEventstreamTransport) -> SQLUnitOfWork:
    return SQLUnitOfWork(engine, AsyncEventstreamPublisher(transport))


@pytest.fixture
async def books(
    request: pytest.FixtureRequest,
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
) -> list[Book]:
    """The books of the club when the test starts, registered through the bus."""
    books: list[Book] = getattr(request, "param", [])
    for book in books:
        command = RegisterBook(
            id=book.id, title=book.title, author=book.author, isbn=book.isbn
        )
        async with uow as transaction:
            result = await bus.handle(command, transaction)
            if result.is_ok():
                await transaction.commit()
            else:
                await transaction.rollback()
        assert result == Ok(None), f"the club refused {book.title!r}: {result}"
    return books
