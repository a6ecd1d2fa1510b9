from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from lastuuid.dummies import uuidgen
from messagebus import AsyncMessageBus
from messagebus.domain.model.ids import MessageId
from result import Err, Ok
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.orm import messages
from reading_club.adapters.uow import SQLUnitOfWork
from reading_club.domain.messages import RegisterBookV2
from reading_club.service.repositories import BookRepositoryError
from reading_club.service.unit_of_work import AbstractUnitOfWork
from tests.reading_club.outbox import outbox_rows


async def stored_messages(engine: AsyncEngine) -> list[dict[str, Any]]:
    """The rows of the messages table, oldest first."""
    async with engine.connect() as connection:
        result = await connection.execute(
            select(messages).order_by(messages.c.created_at)
        )
        return [row._asdict() for row in result]


async def test_the_store_keeps_a_message_as_it_came(
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
    async with uow as transaction:
        await transaction.messagestore.add(command)
        await transaction.commit()

    [row] = await stored_messages(engine)
    assert row == {
        "message_id": uuidgen(10),
        "created_at": datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc),
        "name": "register_book",
        "schema_version": 2,
        "payload": {
            "id": "00000001-0000-0000-0000-000000000000",
            "title": "Domain Driven Design",
            "authors": ["Eric Evans"],
            "isbn": "9780321125217",
        },
    }


async def test_a_commit_keeps_every_message_the_bus_handled(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    engine: AsyncEngine,
    register_book_cmd: RegisterBookV2,
) -> None:
    async with uow as transaction:
        result = await bus.handle(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    rows = await stored_messages(engine)
    [envelope] = [row["envelope"] for row in await outbox_rows(engine)]
    assert rows == [
        {
            "message_id": register_book_cmd.message_id,
            "created_at": register_book_cmd.created_at,
            "name": "register_book",
            "schema_version": 2,
            "payload": {
                "id": "00000001-0000-0000-0000-000000000000",
                "title": "Domain Driven Design",
                "authors": ["Eric Evans"],
                "isbn": "9780321125217",
            },
        },
        {
            "message_id": UUID(envelope["id"]),
            "created_at": datetime.fromisoformat(envelope["created_at"]),
            "name": "book_registered",
            "schema_version": 2,
            "payload": {
                "id": "00000001-0000-0000-0000-000000000000",
                "isbn": "9780321125217",
                "title": "Domain Driven Design",
                "authors": ["Eric Evans"],
            },
        },
    ]
    assert [row["created_at"].isoformat() for row in rows] == [
        register_book_cmd.created_at.isoformat(),
        envelope["created_at"],
    ]


async def test_a_rolled_back_transaction_stores_nothing(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    engine: AsyncEngine,
    register_book_cmd: RegisterBookV2,
) -> None:
    async with uow as transaction:
        result = await bus.handle(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    same_book_again = RegisterBookV2(
        id=uuidgen(1),
        title="Domain Driven Design",
        authors=["Eric Evans"],
        isbn="0-321-12521-5",
    )
    async with uow as transaction:
        result = await bus.handle(same_book_again, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Err(BookRepositoryError.integrity_error)

    rows = await stored_messages(engine)
    assert [row["name"] for row in rows] == ["register_book", "book_registered"]
    assert rows[0]["message_id"] == register_book_cmd.message_id
