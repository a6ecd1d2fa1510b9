"""The read model: the summary of each book's reviews, kept by the events."""

from collections.abc import Callable
from uuid import UUID

from messagebus import AsyncMessageBus
from result import Ok
from sqlalchemy.ext.asyncio import AsyncEngine

from reviews.adapters.queries import review_summary
from reviews.domain.messages import AddReview
from reviews.service.consumer import consume
from reviews.service.read_model import ReviewSummary
from reviews.service.unit_of_work import AbstractUnitOfWork
from tests.reviews.conftest import DOMAIN_DRIVEN_DESIGN_ID, add

RATINGS = [("Alice", 5), ("Bob", 3), ("Carol", 4), ("Dan", 2)]


def review(book_id: UUID, reviewer: str, rating: int) -> AddReview:
    return AddReview(
        book_id=book_id, reviewer=reviewer, rating=rating, text=f"{reviewer}'s view."
    )


async def test_the_read_model_catches_up_when_the_event_is_handled(
    envelope: dict[str, str],
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    # The event of a book the club has registered, not handled here yet.
    assert await review_summary(reviews_engine, DOMAIN_DRIVEN_DESIGN_ID) is None

    await consume(envelope, reviews_bus, unit_of_work)

    summary = await review_summary(reviews_engine, DOMAIN_DRIVEN_DESIGN_ID)
    assert summary == ReviewSummary(
        book_id=DOMAIN_DRIVEN_DESIGN_ID, title="Domain Driven Design"
    )
    assert summary.average_rating is None


async def test_each_review_is_counted_in_the_summary_of_its_book(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    for reviewer, rating in RATINGS:
        result = await add(
            review(known_book, reviewer, rating), reviews_bus, unit_of_work
        )
        assert result == Ok(None)

    summary = await review_summary(reviews_engine, known_book)
    assert summary is not None
    assert (summary.reviews, summary.average_rating) == (4, 3.5)
    # The three newest, the newest first.
    assert [(latest.reviewer, latest.rating) for latest in summary.latest] == [
        ("Dan", 2),
        ("Carol", 4),
        ("Bob", 3),
    ]
