import json

import pytest
from lastuuid.dummies import uuidgen
from messagebus import AsyncAbstractMessageStoreRepository, AsyncMessageBus
from result import Err, Ok

from reading_club.domain.messages import BookRegistered, RegisterBook
from reading_club.domain.model import Book
from reading_club.service.repositories import BookRepositoryError
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.conftest import (
    InMemoryEventstreamTransport,
    InMemoryMessageStore,
    InMemoryUnitOfWork,
)


class FlakyUnitOfWork(InMemoryUnitOfWork):
    """An in-memory unit of work whose first commit fails, as a database may."""

    def __init__(self, messagestore: AsyncAbstractMessageStoreRepository) -> None:
        super().__init__(messagestore)
        self.commit_fails = True

    async def commit(self) -> None:
        if self.commit_fails:
            self.commit_fails = False
            raise ConnectionError("the database went away")
        await super().commit()


@pytest.fixture
def flaky_uow(messagestore: AsyncAbstractMessageStoreRepository) -> FlakyUnitOfWork:
    return FlakyUnitOfWork(messagestore)


async def test_register_book_through_the_bus(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBook,
    book: Book,
    messagestore: InMemoryMessageStore,
    transport: InMemoryEventstreamTransport,
) -> None:
    async with uow as transaction:
        assert await bus.handle(register_book_cmd, transaction) == Ok(None)

    async with uow as transaction:
        assert await transaction.books.by_id(book.id) == Ok(book)
        await transaction.rollback()

    assert messagestore.messages == [
        register_book_cmd,
        BookRegistered(
            id=uuidgen(1),
            isbn="0-321-12521-5",
            title="Domain Driven Design",
            author="Eric Evans",
        ),
    ]
    event = messagestore.messages[1]
    [envelope] = transport.messages
    assert envelope.keys() == {"id", "created_at", "type", "payload"}
    assert envelope["id"] == str(event.message_id)
    assert envelope["created_at"] == event.created_at.isoformat()
    assert envelope["type"] == "book_registered_v1"
    assert json.loads(envelope["payload"]) == {
        "id": "00000001-0000-0000-0000-000000000000",
        "isbn": "0-321-12521-5",
        "title": "Domain Driven Design",
        "author": "Eric Evans",
    }


async def test_register_book_twice_through_the_bus(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBook,
    messagestore: InMemoryMessageStore,
    transport: InMemoryEventstreamTransport,
) -> None:
    async with uow as transaction:
        assert await bus.handle(register_book_cmd, transaction) == Ok(None)

    async with uow as transaction:
        assert await bus.handle(register_book_cmd, transaction) == Err(
            BookRepositoryError.integrity_error
        )

    assert messagestore.messages == [
        register_book_cmd,
        BookRegistered(
            id=uuidgen(1),
            isbn="0-321-12521-5",
            title="Domain Driven Design",
            author="Eric Evans",
        ),
        register_book_cmd,
    ]
    assert [envelope["type"] for envelope in transport.messages] == [
        "book_registered_v1"
    ]


async def test_a_rolled_back_registration_announces_nothing(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    flaky_uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBook,
    transport: InMemoryEventstreamTransport,
) -> None:
    with pytest.raises(ConnectionError):
        async with flaky_uow as transaction:
            await bus.handle(register_book_cmd, transaction)

    apwp = RegisterBook(
        id=uuidgen(2),
        title="Architecture Patterns with Python",
        author="Harry Percival and Bob Gregory",
        isbn="978-1-4920-5229-9",
    )
    async with flaky_uow as transaction:
        assert await bus.handle(apwp, transaction) == Ok(None)

    titles = [
        json.loads(envelope["payload"])["title"] for envelope in transport.messages
    ]
    assert titles == ["Architecture Patterns with Python"]
