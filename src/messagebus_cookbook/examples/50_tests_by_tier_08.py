"""The club's repository and unit of work, in memory."""

from uuid import UUID

from messagebus import AsyncAbstractMessageStoreRepository
from result import Err, Ok

from reading_club.domain.model import Book
from reading_club.service.repositories import (
    AbstractBookRepository,
    BookRepositoryError,
    BookRepositoryOperationResult,
    BookRepositoryResult,
)
from reading_club.service.unit_of_work import AbstractUnitOfWork


class InMemoryBookRepository(AbstractBookRepository):
    def __init__(self) -> None:
        super().__init__()
        self.books: dict[UUID, Book] = {}

    async def add(self, model: Book) -> BookRepositoryOperationResult:
        if model.id in self.books or any(
            known.isbn == model.isbn for known in self.books.values()
        ):
            return Err(BookRepositoryError.integrity_error)
        self.books[model.id] = model
        self.seen.append(model)
        return Ok(None)

    async def by_id(self, id: UUID) -> BookRepositoryResult:
        if id not in self.books:
            return Err(BookRepositoryError.not_found)
        return Ok(self.books[id])


class InMemoryUnitOfWork(AbstractUnitOfWork):
    def __init__(self, messagestore: AsyncAbstractMessageStoreRepository) -> None:
        self.books: InMemoryBookRepository = InMemoryBookRepository()
        self.committed_books: dict[UUID, Book] = {}
        self.messagestore = messagestore

    async def commit(self) -> None:
        self.committed_books = dict(self.books.books)

    async def rollback(self) -> None:
        self.books.books = dict(self.committed_books)
