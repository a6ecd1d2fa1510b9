"""The unit tier's fixtures: the club in memory, without a server."""

import pytest
from messagebus import (
    AsyncAbstractEventstreamTransport,
    AsyncAbstractMessageStoreRepository,
    AsyncEventstreamPublisher,
)

from tests.reading_club.fakes import InMemoryBookRepository, InMemoryUnitOfWork
from tests.streams import InMemoryMessageStore


@pytest.fixture
def book_repository() -> InMemoryBookRepository:
    return InMemoryBookRepository()


@pytest.fixture
def messagestore(transport: AsyncAbstractEventstreamTransport) -> InMemoryMessageStore:
    return InMemoryMessageStore(publisher=AsyncEventstreamPublisher(transport))


# Hides the unit of work on SQL of the club's conftest.py: pytest takes
# the fixture nearest to the test.
@pytest.fixture
def uow(messagestore: AsyncAbstractMessageStoreRepository) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(messagestore)
