"""The handlers of the reviews service."""

import enum

from messagebus import AsyncUnitOfWorkTransaction, async_listen
from result import Err, Ok, Result

from after_commit.mail import AbstractMailer, Mail
from reviews.domain.messages import AddReview, BookRegistered, BookReviewed
from reviews.domain.model import Book, Review
from reviews.service.read_model import ReviewSummary
from reviews.service.unit_of_work import AbstractUnitOfWork


class ReviewRefusal(enum.Enum):
    """Why the service refused a review."""

    unknown_book = "unknown_book"


AddReviewResult = Result[None, ReviewRefusal]


@async_listen  # type: ignore[type-var]
async def remember_book(
    event: BookRegistered,
    transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
) -> None:
    """A book the club registered can be reviewed from now on."""
    await transaction.books.add(Book(id=event.id, title=event.title))


@async_listen  # type: ignore[type-var]
async def add_review(
    command: AddReview,
    transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
    mailer: AbstractMailer,
) -> AddReviewResult:
    """Add a review of a book the service knows; the caller commits or rolls back."""
    book = await transaction.books.by_id(command.book_id)
    if book is None:
        return Err(ReviewRefusal.unknown_book)
    review = Review(
        id=command.id,
        book_id=book.id,
        reviewer=command.reviewer,
        rating=command.rating,
        text=command.text,
    )
    await transaction.reviews.add(review)
    review.messages.append(
        BookReviewed(
            id=review.id,
            book_id=review.book_id,
            reviewer=review.reviewer,
            rating=review.rating,
            text=review.text,
        )
    )
    if command.reviewer_email is not None and await transaction.mail_quota.take(
        command.reviewer_email
    ):
        # Anyone may give any address: it gets a few mails a period, no more.
        mailer.send_after_commit(thanks(command.reviewer_email, book, review))
    return Ok(None)


def thanks(to: str, book: Book, review: Review) -> Mail:
    return Mail(
        to=to,
        subject=f"Thank you for your review of {book.title}",
        body=f"{review.reviewer}, your review of {book.title} counts from now on: "
        f"{review.rating}/5.",
    )


@async_listen  # type: ignore[type-var]
async def summarize_new_book(
    event: BookRegistered,
    transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
) -> None:
    """A book the service has just heard of has no reviews yet."""
    await transaction.summaries.save(ReviewSummary(book_id=event.id, title=event.title))


@async_listen  # type: ignore[type-var]
async def summarize_review(
    event: BookReviewed,
    transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
) -> None:
    """Count a review in the summary of its book."""
    summary = await transaction.summaries.for_update(event.book_id)
    if summary is None:
        # Every known book has one, since the migration that made the table.
        raise LookupError(f"the book {event.book_id} has no summary")
    await transaction.summaries.save(summary.with_review(event))
