from result import Err, Ok

from reading_club.adapters.uow import SQLUnitOfWork
from reading_club.domain.model import Book
from reading_club.service.repositories import BookRepositoryError


async def test_commit_keeps_the_book(uow: SQLUnitOfWork, book: Book) -> None:
    async with uow as transaction:
        assert await transaction.books.add(book) == Ok(None)
        await transaction.commit()

    async with uow as transaction:
        assert await transaction.books.by_id(book.id) == Ok(book)
        await transaction.rollback()


async def test_rollback_discards_the_book(uow: SQLUnitOfWork, book: Book) -> None:
    async with uow as transaction:
        assert await transaction.books.add(book) == Ok(None)
        await transaction.rollback()

    async with uow as transaction:
        assert await transaction.books.by_id(book.id) == Err(
            BookRepositoryError.not_found
        )
        await transaction.rollback()
