from datetime import datetime, timezone
from unittest.mock import ANY

import pytest
from lastuuid.dummies import uuidgen
from messagebus import AsyncMessageBus, AsyncUnitOfWorkTransaction
from messagebus.domain.model.ids import MessageId
from result import Ok
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.uow import SQLUnitOfWork
from reading_club.domain.messages import BookRegistered, RegisterBookV2
from reading_club.service.handlers import register_book
from reading_club.service.unit_of_work import AbstractUnitOfWork
from structured_logs.context import bound
from tests.reading_club.outbox import outbox_rows

REGISTER_ARCHITECTURE_PATTERNS = RegisterBookV2(
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


async def test_a_published_message_waits_in_the_outbox(
    uow: SQLUnitOfWork, engine: AsyncEngine
) -> None:
    command = RegisterBookV2(
        message_id=MessageId(uuidgen(10)),
        created_at=datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc),
        id=uuidgen(1),
        title="Domain Driven Design",
        authors=["Eric Evans"],
        isbn="0-321-12521-5",
    )
    event = BookRegistered(
        message_id=MessageId(uuidgen(11)),
        created_at=datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc),
        id=uuidgen(1),
        isbn="0-321-12521-5",
        title="Domain Driven Design",
        authors=["Eric Evans"],
    )
    async with uow as transaction:
        await transaction.messagestore.add(command)
        await transaction.messagestore.add(event)
        await transaction.commit()

    assert await outbox_rows(engine) == [
        {
            "message_id": uuidgen(11),
            "stream_key": "00000001-0000-0000-0000-000000000000",
            "envelope": {
                "id": "00000011-0000-0000-0000-000000000000",
                "created_at": "2026-03-14T09:30:00+00:00",
                "type": "book_registered_v2",
                "payload": (
                    '{"id":"00000001-0000-0000-0000-000000000000",'
                    '"isbn":"9780321125217",'
                    '"title":"Domain Driven Design",'
                    '"authors":["Eric Evans"]}'
                ),
                # Made by no request: the message starts a trail of its own.
                "metadata": {
                    "correlation_id": "00000011-0000-0000-0000-000000000000",
                    "aggregate_id": "00000001-0000-0000-0000-000000000000",
                    # The trace of its write: the tests trace their work.
                    "traceparent": ANY,
                },
            },
            "status": "pending",
            "attempts": 0,
            "last_error": None,
        }
    ]


async def test_an_envelope_carries_the_correlation_id_of_its_request(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    engine: AsyncEngine,
) -> None:
    with bound(correlation_id="request-1"):
        async with uow as transaction:
            await bus.handle(REGISTER_ARCHITECTURE_PATTERNS, transaction)
            await transaction.commit()

    [row] = await outbox_rows(engine)
    assert row["envelope"]["metadata"] == {
        "correlation_id": "request-1",
        "aggregate_id": "00000002-0000-0000-0000-000000000000",
        "traceparent": ANY,
    }


async def test_a_failed_handler_leaves_nothing_to_publish(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    failing_bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    engine: AsyncEngine,
    register_book_cmd: RegisterBookV2,
) -> None:
    with pytest.raises(RuntimeError, match="the reviewer left"):
        async with uow as transaction:
            # The first book is taken, and its event written to the outbox...
            first = await bus.handle(REGISTER_ARCHITECTURE_PATTERNS, transaction)
            # ...then the handler of the second command fails.
            await failing_bus.handle(register_book_cmd, transaction)

    assert first == Ok(None)
    assert await outbox_rows(engine) == []


async def test_a_rolled_back_transaction_leaves_nothing_to_publish(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    engine: AsyncEngine,
    register_book_cmd: RegisterBookV2,
) -> None:
    async with uow as transaction:
        assert await bus.handle(register_book_cmd, transaction) == Ok(None)
        # A later step of the request fails: the caller rolls back.
        await transaction.rollback()

    async with uow as transaction:
        result = await bus.handle(REGISTER_ARCHITECTURE_PATTERNS, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    rows = await outbox_rows(engine)
    assert [row["envelope"]["type"] for row in rows] == ["book_registered_v2"]
    assert [row["stream_key"] for row in rows] == [
        "00000002-0000-0000-0000-000000000000"
    ]
