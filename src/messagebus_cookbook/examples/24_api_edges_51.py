"""The queries of the reviews service: they read, and never write."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncEngine

from reviews.adapters.orm import review_summaries, reviews
from reviews.domain.model import Review
from reviews.service.read_model import ReviewSummary


def summary_of(row: Row[Any]) -> ReviewSummary:
    """The summary that a row of the read model stores."""
    return ReviewSummary.model_validate(row._mapping)


def row_of(summary: ReviewSummary) -> dict[str, Any]:
    """The row of the read model that stores a summary."""
    return {
        "book_id": summary.book_id,
        "title": summary.title,
        "reviews": summary.reviews,
        "rating_total": summary.rating_total,
        "latest": [review.model_dump(mode="json") for review in summary.latest],
    }


async def review_summary(engine: AsyncEngine, book_id: UUID) -> ReviewSummary | None:
    """The summary of a book's reviews; None for a book the service has not heard of."""
    async with engine.connect() as connection:
        result = await connection.execute(
            select(review_summaries).where(review_summaries.c.book_id == book_id)
        )
        row = result.one_or_none()
    return None if row is None else summary_of(row)


async def review_of(
    engine: AsyncEngine, book_id: UUID, review_id: UUID
) -> Review | None:
    """The review of this id, if it is of this book."""
    async with engine.connect() as connection:
        result = await connection.execute(
            select(reviews).where(
                reviews.c.id == review_id, reviews.c.book_id == book_id
            )
        )
        row = result.one_or_none()
    return None if row is None else Review.model_validate(row._mapping)
