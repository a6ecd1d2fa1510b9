import asyncio

import pytest
from lastuuid.dummies import uuidgen
from messagebus import AsyncMessageBus
from result import Err, Ok
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from reading_club.adapters.orm import books
from reading_club.adapters.uow import SQLUnitOfWork
from reading_club.domain.messages import RegisterBook
from reading_club.service.repositories import (
    BookRepositoryError,
    BookRepositoryOperationResult,
)
from reading_club.service.unit_of_work import AbstractUnitOfWork


class Meeting:
    """Hold each of ``count`` coroutines at ``arrive`` until all have arrived."""

    def __init__(self, count: int) -> None:
        self.missing = count
        self.everyone_is_here = asyncio.Event()

    async def arrive(self) -> None:
        self.missing -= 1
        if self.missing == 0:
            self.everyone_is_here.set()
        await self.everyone_is_here.wait()


async def register(
    bus: AsyncMessageBus[AbstractUnitOfWork],
    uow: AbstractUnitOfWork,
    command: RegisterBook,
    meeting: Meeting,
) -> BookRepositoryOperationResult:
    async with uow as transaction:
        # Both transactions are open before either registers its book.
        await meeting.arrive()
        result: BookRepositoryOperationResult = await bus.handle(command, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    return result


# The SQLite database of these tests has one connection: one transaction at a time.
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
async def test_two_registrations_of_one_isbn_at_once(
    bus: AsyncMessageBus[AbstractUnitOfWork], engine: AsyncEngine
) -> None:
    domain_driven_design = RegisterBook(
        id=uuidgen(1),
        title="Domain Driven Design",
        author="Eric Evans",
        isbn="0-321-12521-5",
    )
    same_isbn = RegisterBook(
        id=uuidgen(3),
        title="Domain-Driven Design",
        author="Eric Evans",
        isbn="0-321-12521-5",
    )
    meeting = Meeting(2)
    results = await asyncio.gather(
        register(bus, SQLUnitOfWork(engine), domain_driven_design, meeting),
        register(bus, SQLUnitOfWork(engine), same_isbn, meeting),
    )

    assert sorted(results, key=str) == [
        Err(BookRepositoryError.integrity_error),
        Ok(None),
    ]
    async with engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(books))
    assert count == 1
