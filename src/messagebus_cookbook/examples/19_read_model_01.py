"""The read model: what the reviews of each book add up to.

The handlers of the events keep it; queries read it as it is stored, never
through the domain model.
"""

import abc
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, computed_field

from reviews.domain.messages import BookReviewed

# How many of a book's reviews its summary keeps, the newest first.
LATEST_REVIEWS = 3


class LatestReview(BaseModel):
    """One of the newest reviews of a book."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    reviewer: str
    rating: int
    text: str
    reviewed_at: datetime


class ReviewSummary(BaseModel):
    """The summary of a book's reviews: its number, average and newest ones."""

    model_config = ConfigDict(frozen=True)

    book_id: UUID
    title: str
    reviews: int = 0
    # The sum of the ratings: the average is exact whatever the order of events.
    rating_total: int = Field(default=0, exclude=True)
    latest: list[LatestReview] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def average_rating(self) -> float | None:
        """The average rating, to two decimals; None before the first review."""
        if self.reviews == 0:
            return None
        return round(self.rating_total / self.reviews, 2)

    def with_review(self, event: BookReviewed) -> "ReviewSummary":
        """The summary once this review is counted."""
        review = LatestReview(
            id=event.id,
            reviewer=event.reviewer,
            rating=event.rating,
            text=event.text,
            reviewed_at=event.created_at,
        )
        newest_first = sorted(
            [review, *self.latest],
            key=lambda latest: (latest.reviewed_at, latest.id),
            reverse=True,
        )
        return self.model_copy(
            update={
                "reviews": self.reviews + 1,
                "rating_total": self.rating_total + event.rating,
                "latest": newest_first[:LATEST_REVIEWS],
            }
        )


class AbstractReviewSummaries(abc.ABC):
    """The summaries of the books' reviews, as the read model stores them."""

    @abc.abstractmethod
    async def for_update(self, book_id: UUID) -> ReviewSummary | None:
        """The summary of a book, locked until the transaction ends."""

    @abc.abstractmethod
    async def save(self, summary: ReviewSummary) -> None:
        """Store a summary, new or changed."""
