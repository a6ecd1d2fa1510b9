"""The repositories: where the service layer finds and stores models."""

import abc
import enum
from uuid import UUID

from messagebus import AsyncAbstractRepository
from result import Result

from reading_club.domain.model import Book


class BookRepositoryError(enum.Enum):
    """Why a book repository could not do what it was asked."""

    integrity_error = "integrity_error"
    not_found = "not_found"


BookRepositoryResult = Result[Book, BookRepositoryError]
BookRepositoryOperationResult = Result[None, BookRepositoryError]


class AbstractBookRepository(AsyncAbstractRepository[Book]):
    """Store and find books, whatever the storage."""

    @abc.abstractmethod
    async def add(self, model: Book) -> BookRepositoryOperationResult:
        """Store a new book; an integrity error if its id or ISBN is taken."""

    @abc.abstractmethod
    async def by_id(self, id: UUID) -> BookRepositoryResult:
        """Find a book by its id; not found if there is none."""
