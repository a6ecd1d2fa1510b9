import pytest
from messagebus import TransactionStatus
from messagebus.domain.model.transaction import TransactionError
from result import Err, Ok

from reading_club.domain.model import Book
from reading_club.service.repositories import BookRepositoryError
from tests.reading_club.fakes import InMemoryUnitOfWork


async def test_commit_keeps_the_book(uow: InMemoryUnitOfWork, book: Book) -> None:
    async with uow as transaction:
        assert await transaction.books.add(book) == Ok(None)
        await transaction.commit()
        assert transaction.status == TransactionStatus.committed

    async with uow as transaction:
        assert await transaction.books.by_id(book.id) == Ok(book)
        await transaction.rollback()


async def test_rollback_discards_the_book(uow: InMemoryUnitOfWork, book: Book) -> None:
    async with uow as transaction:
        assert await transaction.books.add(book) == Ok(None)
        await transaction.rollback()
        assert transaction.status == TransactionStatus.rolledback

    async with uow as transaction:
        assert await transaction.books.by_id(book.id) == Err(
            BookRepositoryError.not_found
        )
        await transaction.rollback()


async def test_an_exception_rolls_back(uow: InMemoryUnitOfWork, book: Book) -> None:
    with pytest.raises(RuntimeError, match="the reviewer left"):
        async with uow as transaction:
            assert await transaction.books.add(book) == Ok(None)
            raise RuntimeError("the reviewer left")

    async with uow as transaction:
        assert await transaction.books.by_id(book.id) == Err(
            BookRepositoryError.not_found
        )
        await transaction.rollback()


async def test_a_transaction_must_be_closed(
    uow: InMemoryUnitOfWork, book: Book
) -> None:
    with pytest.raises(TransactionError, match="Missing commit/rollback call"):
        async with uow as transaction:
            assert await transaction.books.add(book) == Ok(None)
