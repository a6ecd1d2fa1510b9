"""The service handlers: what the reading club does when it gets a message."""

from messagebus import AsyncUnitOfWorkTransaction, async_listen

from reading_club.domain.messages import BookRegistered, RegisterBook, RegisterBookV2
from reading_club.domain.model import Book
from reading_club.service.repositories import BookRepositoryOperationResult
from reading_club.service.unit_of_work import AbstractUnitOfWork


@async_listen  # type: ignore[type-var]
async def register_book(
    command: RegisterBookV2,
    transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
) -> BookRepositoryOperationResult:
    """Register a new book; the caller commits or rolls back."""
    book = Book(
        id=command.id,
        title=command.title,
        authors=command.authors,
        isbn=command.isbn,
    )
    result: BookRepositoryOperationResult = await transaction.books.add(book)
    if result.is_ok():
        book.messages.append(
            BookRegistered(
                id=book.id,
                isbn=book.isbn,
                title=book.title,
                authors=book.authors,
            )
        )
    return result


@async_listen  # type: ignore[type-var]
async def register_book_v1(
    command: RegisterBook,
    transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
) -> BookRepositoryOperationResult:
    """Version 1 of the command, still sent by some clients: a book by one author."""
    version_2 = RegisterBookV2(
        id=command.id,
        title=command.title,
        authors=[command.author],
        isbn=command.isbn,
    )
    result: BookRepositoryOperationResult = await register_book(version_2, transaction)
    return result
