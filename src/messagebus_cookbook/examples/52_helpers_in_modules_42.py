"""Reviewers review the books the service knows; it publishes each review."""

import json
from collections.abc import Callable
from uuid import UUID

import pytest
from lastuuid.dummies import uuidgen
from messagebus import AsyncMessageBus
from pydantic import ValidationError
from result import Err, Ok
from sqlalchemy.ext.asyncio import AsyncEngine

from reviews.adapters.orm import outbox, reviews
from reviews.domain.messages import AddReview
from reviews.service.handlers import ReviewRefusal
from reviews.service.unit_of_work import AbstractUnitOfWork
from tests.reviews.commands import add
from tests.reviews.envelopes import DOMAIN_DRIVEN_DESIGN_ID
from tests.reviews.mails import KeptMails
from tests.reviews.tables import rows


def alice_reviews(book_id: UUID) -> AddReview:
    return AddReview(
        book_id=book_id,
        reviewer="Alice",
        rating=5,
        text="The book that named the patterns.",
    )


async def test_a_review_of_a_known_book_is_kept_and_published(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    review = alice_reviews(known_book)

    assert await add(review, reviews_bus, unit_of_work) == Ok(None)

    found = await rows(reviews_engine, [reviews, outbox])
    assert found["reviews"] == [
        {
            "id": review.id,
            "book_id": known_book,
            "reviewer": "Alice",
            "rating": 5,
            "text": "The book that named the patterns.",
        }
    ]
    [row] = found["outbox"]
    assert row["status"] == "pending"
    assert row["envelope"]["type"] == "book_reviewed_v1"
    assert json.loads(row["envelope"]["payload"]) == {
        "id": str(review.id),
        "book_id": str(known_book),
        "reviewer": "Alice",
        "rating": 5,
        "text": "The book that named the patterns.",
    }


async def test_a_review_of_an_unknown_book_is_refused(
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    result = await add(alice_reviews(uuidgen(9)), reviews_bus, unit_of_work)

    assert result == Err(ReviewRefusal.unknown_book)
    assert await rows(reviews_engine, [reviews, outbox]) == {
        "reviews": [],
        "outbox": [],
    }


async def test_a_review_rolled_back_is_never_published(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    async with unit_of_work() as transaction:
        result = await reviews_bus.handle(
            alice_reviews(known_book), transaction, mailer=KeptMails()
        )
        assert result == Ok(None)
        await transaction.rollback()

    assert await rows(reviews_engine, [reviews, outbox]) == {
        "reviews": [],
        "outbox": [],
    }


@pytest.mark.parametrize("rating", [0, 6])
def test_a_rating_is_from_1_to_5(rating: int) -> None:
    with pytest.raises(ValidationError, match="rating"):
        AddReview(
            book_id=DOMAIN_DRIVEN_DESIGN_ID, reviewer="Alice", rating=rating, text="?"
        )
