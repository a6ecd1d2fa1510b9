"""The repositories of the reviews service."""

import abc
from uuid import UUID

from messagebus import AsyncAbstractRepository

from reviews.domain.model import Book, Review


class AbstractBookRepository(AsyncAbstractRepository[Book]):
    """The books the service has heard of."""

    @abc.abstractmethod
    async def add(self, model: Book) -> None:
        """Remember a book."""

    @abc.abstractmethod
    async def by_id(self, id: UUID) -> Book | None:
        """The book of that id, or None if the service never heard of it."""


class AbstractReviewRepository(AsyncAbstractRepository[Review]):
    """The reviews of the books."""

    @abc.abstractmethod
    async def add(self, model: Review) -> None:
        """Store a new review."""


class AbstractMailQuota(abc.ABC):
    """How many mails each address may get in a period, and has got."""

    @abc.abstractmethod
    async def take(self, address: str) -> bool:
        """Count one more mail to ``address``; False once its quota is spent."""
