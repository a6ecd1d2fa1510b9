"""python -m reviews.web: the HTTP API of the reviews service."""

import argparse
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated
from uuid import UUID

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel, EmailStr, Field

from reviews.adapters.queries import review_summary
from reviews.bootstrap import Reviews, bootstrap
from reviews.cli import read_settings
from reviews.domain.messages import AddReview, Reviewer, ReviewText
from reviews.service.handlers import AddReviewResult
from reviews.service.read_model import ReviewSummary

# Seconds a stopping server waits for the requests in flight.
GRACEFUL_SHUTDOWN_TIMEOUT = 3


class NewReview(BaseModel):
    """A review of a book."""

    reviewer: Reviewer = Field(examples=["Alice"])
    rating: int = Field(ge=1, le=5, examples=[5])
    text: ReviewText = Field(examples=["The book that named the patterns."])
    reviewer_email: EmailStr | None = Field(
        default=None,
        description="the reviewer is told there once the review counts",
        examples=["alice@example.com"],
    )


class AddedReview(BaseModel):
    """The id of the review the service added."""

    id: UUID


class Refusal(BaseModel):
    """Why the service refused a request."""

    detail: str


def get_reviews(request: Request) -> Reviews:
    """The service the app was created with."""
    reviews: Reviews = request.app.state.reviews
    return reviews


Service = Annotated[Reviews, Depends(get_reviews)]
router = APIRouter()


@router.post(
    "/books/{book_id}/reviews",
    status_code=201,
    responses={404: {"model": Refusal, "description": "No book with this id"}},
)
async def add_review(
    book_id: UUID, new_review: NewReview, reviews: Service
) -> AddedReview:
    """Review a book; its ``book_reviewed`` event waits in the outbox."""
    command = AddReview(
        book_id=book_id,
        reviewer=new_review.reviewer,
        rating=new_review.rating,
        text=new_review.text,
        reviewer_email=new_review.reviewer_email,
    )
    async with reviews.unit_of_work() as transaction:
        result: AddReviewResult = await reviews.bus.handle(
            command, transaction, mailer=reviews.mailer()
        )
        if result.is_ok():
            await transaction.commit()
        else:
            await transaction.rollback()
    if result.is_err():
        raise unknown_book(book_id)
    return AddedReview(id=command.id)


@router.get(
    "/books/{book_id}/reviews",
    responses={404: {"model": Refusal, "description": "No book with this id"}},
)
async def summarize_reviews(book_id: UUID, reviews: Service) -> ReviewSummary:
    """The number of reviews of a book, their average rating, the newest ones."""
    summary = await review_summary(reviews.engine, book_id)
    if summary is None:
        raise unknown_book(book_id)
    return summary


def unknown_book(book_id: UUID) -> HTTPException:
    # The club's events reach the service a moment after the club has
    # committed them: a book registered just now may be unknown here yet.
    return HTTPException(
        404,
        f"no book has the id {book_id}, or the reviews service has not heard of it yet",
    )


def create_app(reviews: Reviews) -> FastAPI:
    """The HTTP API of the service; it is closed when the server stops."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await reviews.close()

    app = FastAPI(title="Reviews", version="0.1.0", lifespan=lifespan)
    app.state.reviews = reviews
    app.include_router(router)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reviews.web",
        description="Serve the HTTP API of the reviews service, until SIGTERM "
        "or SIGINT. Settings: REVIEWS_DATABASE_URL, REVIEWS_BROKER_URL, "
        "REVIEWS_SMTP_HOST, REVIEWS_SMTP_PORT, REVIEWS_SMTP_TIMEOUT, "
        "REVIEWS_MAIL_SENDER.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="default: %(default)s")
    parser.add_argument("--port", type=int, default=8001, help="default: %(default)s")
    arguments = parser.parse_args(argv)
    reviews = bootstrap(read_settings(parser))
    uvicorn.run(
        create_app(reviews),
        host=arguments.host,
        port=arguments.port,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_TIMEOUT,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
