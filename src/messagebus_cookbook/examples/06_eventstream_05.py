import json
from uuid import UUID

from messagebus import AsyncMessageBus
from result import Err, Ok

from reading_club.domain.messages import RegisterBook
from reading_club.domain.model import Book
from reading_club.service.repositories import BookRepositoryError
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.conftest import InMemoryEventstreamTransport


async def test_register_book_through_the_bus(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBook,
    book: Book,
    transport: InMemoryEventstreamTransport,
) -> None:
    async with uow as transaction:
        result = await bus.handle(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    async with uow as transaction:
        assert await transaction.books.by_id(book.id) == Ok(book)
        await transaction.rollback()

    assert [envelope["type"] for envelope in transport.messages] == [
        "book_registered_v1"
    ]
    envelope = transport.messages[0]
    assert envelope.keys() == {"id", "created_at", "type", "payload"}
    assert UUID(envelope["id"]).version == 7
    assert json.loads(envelope["payload"]) == {
        "id": "00000001-0000-0000-0000-000000000000",
        "isbn": "9780321125217",
        "title": "Domain Driven Design",
        "author": "Eric Evans",
    }


async def test_register_book_twice_through_the_bus(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBook,
    transport: InMemoryEventstreamTransport,
) -> None:
    async with uow as transaction:
        result = await bus.handle(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    async with uow as transaction:
        result = await bus.handle(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Err(BookRepositoryError.integrity_error)

    assert [envelope["type"] for envelope in transport.messages] == [
        "book_registered_v1"
    ]
