from lastuuid.dummies import uuidgen
from result import Err, Ok

from reading_club.adapters.uow_sqla.uow import SQLUnitOfWork
from reading_club.domain.model import Book
from reading_club.service.repositories import BookRepositoryError


async def test_add_then_find_by_id(uow: SQLUnitOfWork, book: Book) -> None:
    async with uow as transaction:
        assert await transaction.books.add(book) == Ok(None)
        assert await transaction.books.by_id(book.id) == Ok(book)
        await transaction.rollback()


async def test_by_id_not_found(uow: SQLUnitOfWork) -> None:
    async with uow as transaction:
        assert await transaction.books.by_id(uuidgen(2)) == Err(
            BookRepositoryError.not_found
        )
        await transaction.rollback()


async def test_add_marks_the_book_as_seen(uow: SQLUnitOfWork, book: Book) -> None:
    async with uow as transaction:
        await transaction.books.add(book)
        assert transaction.books.seen == [book]
        await transaction.rollback()


async def test_add_same_id_twice(uow: SQLUnitOfWork, book: Book) -> None:
    async with uow as transaction:
        await transaction.books.add(book)
        assert await transaction.books.add(book) == Err(
            BookRepositoryError.integrity_error
        )
        assert transaction.books.seen == [book]
        await transaction.rollback()


async def test_add_same_isbn_twice(uow: SQLUnitOfWork, book: Book) -> None:
    same_isbn = Book(
        id=uuidgen(3),
        title="Domain-Driven Design",
        author="Eric Evans",
        isbn=book.isbn,
    )
    async with uow as transaction:
        await transaction.books.add(book)
        assert await transaction.books.add(same_isbn) == Err(
            BookRepositoryError.integrity_error
        )
        assert transaction.books.seen == [book]
        await transaction.rollback()


async def test_a_refused_book_leaves_the_transaction_usable(
    uow: SQLUnitOfWork, book: Book
) -> None:
    another_book = Book(
        id=uuidgen(2),
        title="Architecture Patterns with Python",
        author="Harry Percival and Bob Gregory",
        isbn="978-1-492-05220-3",
    )
    async with uow as transaction:
        await transaction.books.add(book)
        await transaction.books.add(book)
        assert await transaction.books.add(another_book) == Ok(None)
        await transaction.commit()

    async with uow as transaction:
        assert await transaction.books.by_id(book.id) == Ok(book)
        assert await transaction.books.by_id(another_book.id) == Ok(another_book)
        await transaction.rollback()
