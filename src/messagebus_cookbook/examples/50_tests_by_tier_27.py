from lastuuid.dummies import uuidgen
from result import Err, Ok

from reading_club.domain.model import Book
from reading_club.service.repositories import BookRepositoryError
from tests.reading_club.fakes import InMemoryBookRepository


async def test_add_then_find_by_id(
    book_repository: InMemoryBookRepository, book: Book
) -> None:
    assert await book_repository.add(book) == Ok(None)
    assert await book_repository.by_id(book.id) == Ok(book)


async def test_by_id_not_found(book_repository: InMemoryBookRepository) -> None:
    assert await book_repository.by_id(uuidgen(2)) == Err(BookRepositoryError.not_found)


async def test_add_marks_the_book_as_seen(
    book_repository: InMemoryBookRepository, book: Book
) -> None:
    await book_repository.add(book)
    assert book_repository.seen == [book]


async def test_add_same_id_twice(
    book_repository: InMemoryBookRepository, book: Book
) -> None:
    await book_repository.add(book)
    assert await book_repository.add(book) == Err(BookRepositoryError.integrity_error)
    assert book_repository.seen == [book]


async def test_add_same_isbn_twice(
    book_repository: InMemoryBookRepository, book: Book
) -> None:
    await book_repository.add(book)
    same_isbn = Book(
        id=uuidgen(3),
        title="Domain-Driven Design",
        authors=["Eric Evans"],
        isbn=book.isbn,
    )
    assert await book_repository.add(same_isbn) == Err(
        BookRepositoryError.integrity_error
    )
    assert book_repository.seen == [book]
