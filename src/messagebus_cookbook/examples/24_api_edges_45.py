"""The repositories of the reviews service, its inbox and its dead letters."""

import abc
from dataclasses import dataclass
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


class AbstractInbox(abc.ABC):
    """The ids of the envelopes whose effect is done."""

    @abc.abstractmethod
    async def first_delivery(self, message_id: UUID, type: str) -> bool:
        """Record the envelope; False if it was recorded before."""


@dataclass(frozen=True)
class DeadLetter:
    """An envelope kept aside, with why it could not be handled."""

    position: int
    envelope: object
    error: str


class AbstractDeadLetters(abc.ABC):
    """Envelopes the service could not handle, kept with the reason."""

    @abc.abstractmethod
    async def add(self, envelope: object, error: str) -> None:
        """Keep an envelope that trying again would not handle."""

    @abc.abstractmethod
    async def all(self) -> list[DeadLetter]:
        """Every dead letter, the oldest first."""

    @abc.abstractmethod
    async def take(self, position: int) -> DeadLetter | None:
        """Remove a dead letter and give it; None if there is none there."""
