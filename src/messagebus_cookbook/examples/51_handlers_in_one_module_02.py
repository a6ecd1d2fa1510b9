import json

import pytest
from lastuuid.dummies import uuidgen
from messagebus import AsyncMessageBus, AsyncUnitOfWorkTransaction
from result import Err, Ok

from reading_club.domain.messages import BookRegistered, RegisterBook, RegisterBookV2
from reading_club.domain.model import Book
from reading_club.service.handlers import register_book
from reading_club.service.repositories import BookRepositoryError
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.streams import InMemoryEventstreamTransport, InMemoryMessageStore


@pytest.fixture
def register_another_book_cmd() -> RegisterBookV2:
    return RegisterBookV2(
        id=uuidgen(2),
        title="Architecture Patterns with Python",
        authors=["Harry Percival", "Bob Gregory"],
        isbn="978-1-492-05220-3",
    )


async def register_book_then_fail(
    command: RegisterBookV2,
    transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
) -> None:
    """Register the book, then fail, as a later step of a handler may."""
    await register_book(command, transaction)
    raise RuntimeError("the reviewer left")


@pytest.fixture
def failing_bus() -> AsyncMessageBus[AbstractUnitOfWork]:
    bus: AsyncMessageBus[AbstractUnitOfWork] = AsyncMessageBus()
    bus.add_listener(RegisterBookV2, register_book_then_fail)
    return bus


async def test_register_book_through_the_bus(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBookV2,
    book: Book,
    messagestore: InMemoryMessageStore,
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

    assert messagestore.messages == [
        register_book_cmd,
        BookRegistered(
            id=uuidgen(1),
            isbn="0-321-12521-5",
            title="Domain Driven Design",
            authors=["Eric Evans"],
        ),
    ]
    event = messagestore.messages[1]
    [envelope] = transport.messages
    assert envelope.keys() == {"id", "created_at", "type", "payload"}
    assert envelope["id"] == str(event.message_id)
    assert envelope["created_at"] == event.created_at.isoformat()
    assert envelope["type"] == "book_registered_v2"
    assert json.loads(envelope["payload"]) == {
        "id": "00000001-0000-0000-0000-000000000000",
        "isbn": "9780321125217",
        "title": "Domain Driven Design",
        "authors": ["Eric Evans"],
    }


async def test_register_book_twice_through_the_bus(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBookV2,
    messagestore: InMemoryMessageStore,
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

    assert messagestore.messages == [
        register_book_cmd,
        BookRegistered(
            id=uuidgen(1),
            isbn="0-321-12521-5",
            title="Domain Driven Design",
            authors=["Eric Evans"],
        ),
        register_book_cmd,
    ]
    assert [envelope["type"] for envelope in transport.messages] == [
        "book_registered_v2"
    ]


async def test_a_rolled_back_registration_publishes_nothing(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBookV2,
    register_another_book_cmd: RegisterBookV2,
    transport: InMemoryEventstreamTransport,
) -> None:
    async with uow as transaction:
        assert await bus.handle(register_book_cmd, transaction) == Ok(None)
        # A later step of the request fails: the caller rolls back.
        await transaction.rollback()

    async with uow as transaction:
        result = await bus.handle(register_another_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    titles = [
        json.loads(envelope["payload"])["title"] for envelope in transport.messages
    ]
    assert titles == ["Architecture Patterns with Python"]
    assert transport.messages[0]["type"] == "book_registered_v2"


async def test_a_failed_handler_publishes_nothing(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    failing_bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    register_book_cmd: RegisterBookV2,
    register_another_book_cmd: RegisterBookV2,
    messagestore: InMemoryMessageStore,
    transport: InMemoryEventstreamTransport,
) -> None:
    with pytest.raises(RuntimeError, match="the reviewer left"):
        async with uow as transaction:
            await failing_bus.handle(register_book_cmd, transaction)

    async with uow as transaction:
        result = await bus.handle(register_another_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    titles = [
        json.loads(envelope["payload"])["title"] for envelope in transport.messages
    ]
    assert titles == ["Architecture Patterns with Python"]
    assert transport.messages[0]["type"] == "book_registered_v2"
    assert messagestore.messages == [
        register_another_book_cmd,
        BookRegistered(
            id=uuidgen(2),
            isbn="978-1-492-05220-3",
            title="Architecture Patterns with Python",
            authors=["Harry Percival", "Bob Gregory"],
        ),
    ]


async def test_a_command_of_version_1_still_registers_a_book(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    transport: InMemoryEventstreamTransport,
) -> None:
    command = RegisterBook(
        id=uuidgen(1),
        title="Domain Driven Design",
        author="Eric Evans",
        isbn="0-321-12521-5",
    )
    async with uow as transaction:
        result = await bus.handle(command, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    [envelope] = transport.messages
    assert envelope["type"] == "book_registered_v2"
    assert json.loads(envelope["payload"])["authors"] == ["Eric Evans"]
