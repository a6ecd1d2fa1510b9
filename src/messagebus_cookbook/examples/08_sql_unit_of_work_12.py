from datetime import datetime, timezone
from typing import Any

from lastuuid.dummies import uuidgen
from messagebus.domain.model.ids import MessageId
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.uow_sqla.orm import messages
from reading_club.adapters.uow_sqla.uow import SQLUnitOfWork
from reading_club.domain.messages import RegisterBook


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
    command = RegisterBook(
        message_id=MessageId(uuidgen(10)),
        created_at=datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc),
        id=uuidgen(1),
        title="Domain Driven Design",
        author="Eric Evans",
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
        "schema_version": 1,
        "payload": {
            "id": "00000001-0000-0000-0000-000000000000",
            "title": "Domain Driven Design",
            "author": "Eric Evans",
            "isbn": "9780321125217",
        },
    }
