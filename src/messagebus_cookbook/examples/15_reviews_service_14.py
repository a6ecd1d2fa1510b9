"""The handlers of the reviews service."""

from messagebus import AsyncUnitOfWorkTransaction, async_listen

from reviews.domain.messages import BookRegistered
from reviews.domain.model import Book
from reviews.service.unit_of_work import AbstractUnitOfWork


@async_listen  # type: ignore[type-var]
async def remember_book(
    event: BookRegistered,
    transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
) -> None:
    """A book the club registered can be reviewed from now on."""
    await transaction.books.add(Book(id=event.id, title=event.title))
