from collections.abc import Mapping
from typing import Any
from uuid import UUID

import pytest
from lastuuid.dummies import uuidgen
from messagebus import (
    AsyncAbstractEventstreamTransport,
    AsyncAbstractMessageStoreRepository,
    AsyncEventstreamPublisher,
    AsyncMessageBus,
    Message,
)
from result import Err, Ok

from reading_club.domain.messages import RegisterBook
from reading_club.domain.model import Book
from reading_club.service.repositories import (
    AbstractBookRepository,
    BookRepositoryError,
    BookRepositoryOperationResult,
    BookRepositoryResult,
)
from reading_club.service.unit_of_work import AbstractUnitOfWork


class InMemoryBookRepository(AbstractBookRepository):
    def __init__(self) -> None:
        super().__init__()
        self.books: dict[UUID, Book] = {}

    async def add(self, model: Book) -> BookRepositoryOperationResult:
        if model.id in self.books or any(
            known.isbn == model.isbn for known in self.books.values()
        ):
            return Err(BookRepositoryError.integrity_error)
        self.books[model.id] = model
        self.seen.append(model)
        return Ok(None)

    async def by_id(self, id: UUID) -> BookRepositoryResult:
        if id not in self.books:
            return Err(BookRepositoryError.not_found)
        return Ok(self.books[id])


class InMemoryEventstreamTransport(AsyncAbstractEventstreamTransport):
    def __init__(self) -> None:
        self.messages: list[Mapping[str, Any]] = []

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        self.messages.append(message)


class StreamDown(Exception):
    """The event stream did not take a message."""


class FlakyEventstreamTransport(InMemoryEventstreamTransport):
    """A stream that refuses the first ``failures`` messages, then keeps them."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def send_message_serialized(self, message: Mapping[str, Any]) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise StreamDown("the broker did not answer")
        await super().send_message_serialized(message)


class InMemoryMessageStore(AsyncAbstractMessageStoreRepository):
    def __init__(self, publisher: AsyncEventstreamPublisher | None = None) -> None:
        super().__init__(publisher)
        self.messages: list[Message[Any]] = []

    async def _add(self, message: Message[Any]) -> None:
        self.messages.append(message)


class InMemoryUnitOfWork(AbstractUnitOfWork):
    def __init__(self, messagestore: AsyncAbstractMessageStoreRepository) -> None:
        self.books: InMemoryBookRepository = InMemoryBookRepository()
        self.committed_books: dict[UUID, Book] = {}
        self.messagestore = messagestore

    async def commit(self) -> None:
        self.committed_books = dict(self.books.books)

    async def rollback(self) -> None:
        self.books.books = dict(self.committed_books)


@pytest.fixture
def book_repository() -> InMemoryBookRepository:
    return InMemoryBookRepository()


@pytest.fixture
def book() -> Book:
    return Book(
        id=uuidgen(1),
        title="Domain Driven Design",
        author="Eric Evans",
        isbn="0-321-12521-5",
    )


@pytest.fixture
def transport() -> InMemoryEventstreamTransport:
    return InMemoryEventstreamTransport()


@pytest.fixture
def messagestore(transport: AsyncAbstractEventstreamTransport) -> InMemoryMessageStore:
    return InMemoryMessageStore(publisher=AsyncEventstreamPublisher(transport))


@pytest.fixture
def uow(messagestore: AsyncAbstractMessageStoreRepository) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(messagestore)


@pytest.fixture
def register_book_cmd() -> RegisterBook:
    return RegisterBook(
        id=uuidgen(1),
        title="Domain Driven Design",
        author="Eric Evans",
        isbn="0-321-12521-5",
    )


@pytest.fixture(scope="session")
def bus() -> AsyncMessageBus[AbstractUnitOfWork]:
    bus: AsyncMessageBus[AbstractUnitOfWork] = AsyncMessageBus()
    bus.scan("reading_club.service.handlers")
    return bus
