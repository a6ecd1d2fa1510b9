from lastuuid.dummies import uuidgen
from result import Err, Ok

from reading_club.domain.messages import BookRegistered, RegisterBookV2
from reading_club.domain.model import Book
from reading_club.service.handlers import register_book
from reading_club.service.repositories import BookRepositoryError
from reading_club.service.unit_of_work import AbstractUnitOfWork


async def test_register_book(
    uow: AbstractUnitOfWork, register_book_cmd: RegisterBookV2, book: Book
) -> None:
    async with uow as transaction:
        result = await register_book(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)
    [registered] = uow.books.seen
    assert registered.messages == [
        BookRegistered(
            id=uuidgen(1),
            isbn="0-321-12521-5",
            title="Domain Driven Design",
            authors=["Eric Evans"],
        )
    ]

    async with uow as transaction:
        assert await transaction.books.by_id(book.id) == Ok(book)
        await transaction.rollback()


async def test_register_book_twice(
    uow: AbstractUnitOfWork, register_book_cmd: RegisterBookV2
) -> None:
    async with uow as transaction:
        result = await register_book(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Ok(None)

    async with uow as transaction:
        result = await register_book(register_book_cmd, transaction)
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    assert result == Err(BookRepositoryError.integrity_error)
