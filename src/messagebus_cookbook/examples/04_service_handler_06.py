"""The service handlers of books."""

from messagebus import AsyncUnitOfWorkTransaction

from reading_club.domain.messages import RegisterBook
from reading_club.domain.model import Book
from reading_club.service.repositories import BookRepositoryOperationResult
from reading_club.service.unit_of_work import AbstractUnitOfWork


async def register_book(
    command: RegisterBook,
    transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
) -> BookRepositoryOperationResult:
    """Register a new book; the caller commits or rolls back."""
    book = Book(
        id=command.id,
        title=command.title,
        author=command.author,
        isbn=command.isbn,
    )
    result: BookRepositoryOperationResult = await transaction.books.add(book)
    return result
