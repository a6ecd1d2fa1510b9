"""The HTTP API of the reviews service.

Run it with ``python -m reviews.entrypoints.web``.
"""

from collections.abc import Sequence
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from messagebus import AsyncUnitOfWorkTransaction
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictInt

from http_edges.auth import AUTH_RESPONSES, require
from http_edges.errors import READ_RESPONSES, WRITE_RESPONSES, Refusal
from http_edges.idempotency import (
    Answer,
    IdempotencyKey,
    answer_once,
    created_responses,
)
from http_edges.text import OneLine, Paragraphs
from reviews.adapters.queries import review_of, review_summary
from reviews.bootstrap import Reviews, bootstrap
from reviews.domain.messages import AddReview, Reviewer, ReviewText
from reviews.entrypoints.cli import COMMAND_LINE
from reviews.service.handlers import AddReviewResult
from reviews.service.read_model import ReviewSummary
from reviews.service.unit_of_work import AbstractUnitOfWork
from reviews.settings import Settings
from service_chassis.web import app_for, create_api, run_command, service_of
from structured_logs.context import annotate

# Bytes of a request's body: the largest review takes 122 KB, even with
# each character escaped as \uXXXX.
MAX_BODY_SIZE = 128 * 1024


class NewReview(BaseModel):
    """A review of a book."""

    model_config = ConfigDict(extra="forbid")

    reviewer: Annotated[Reviewer, OneLine] = Field(examples=["Alice"])
    # Strict: true, "5" and 5.0 are not ratings.
    rating: StrictInt = Field(ge=1, le=5, examples=[5])
    text: Annotated[ReviewText, Paragraphs] = Field(
        examples=["The book that named the patterns."]
    )
    reviewer_email: EmailStr | None = Field(
        default=None,
        description="the reviewer is told there once the review counts, a few "
        "times a day at most",
        examples=["alice@example.com"],
    )


class AddedReview(BaseModel):
    """The id of the review the service added."""

    id: UUID


class ReviewDetails(BaseModel):
    """A review of a book."""

    id: UUID
    book_id: UUID
    reviewer: str
    rating: int
    text: str


ReviewsService = Annotated[Reviews, Depends(service_of(Reviews))]
router = APIRouter()


@router.post(
    "/books/{book_id}/reviews",
    status_code=201,
    response_model=AddedReview,
    dependencies=[require("reviews:write")],
    responses={
        **created_responses("review"),
        404: {"model": Refusal, "description": "No book with this id"},
        **WRITE_RESPONSES,
        **AUTH_RESPONSES,
    },
)
async def add_review(
    book_id: UUID,
    new_review: NewReview,
    reviews: ReviewsService,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Review a book; its ``book_reviewed`` event waits in the outbox."""
    command = AddReview(
        book_id=book_id,
        reviewer=new_review.reviewer,
        rating=new_review.rating,
        text=new_review.text,
        reviewer_email=new_review.reviewer_email,
    )

    async def add(
        transaction: AsyncUnitOfWorkTransaction[AbstractUnitOfWork],
    ) -> Answer:
        result: AddReviewResult = await reviews.bus.handle(
            command, transaction, mailer=reviews.mailer()
        )
        if result.is_err():
            raise unknown_book(book_id)
        # Named once added: a refused request changed no review.
        annotate(aggregate_id=str(command.id))
        return Answer(
            201,
            AddedReview(id=command.id).model_dump(mode="json"),
            location=str(
                request.url_for("read_review", book_id=book_id, review_id=command.id)
            ),
        )

    return await answer_once(request, idempotency_key, reviews.unit_of_work, add)


@router.get(
    "/books/{book_id}/reviews",
    responses={
        404: {"model": Refusal, "description": "No book with this id"},
        **READ_RESPONSES,
    },
)
async def summarize_reviews(book_id: UUID, reviews: ReviewsService) -> ReviewSummary:
    """The number of reviews of a book, their average rating, the newest ones."""
    summary = await review_summary(reviews.engine, book_id)
    if summary is None:
        raise unknown_book(book_id)
    return summary


@router.get(
    "/books/{book_id}/reviews/{review_id}",
    responses={
        404: {"model": Refusal, "description": "No review of this book with this id"},
        **READ_RESPONSES,
    },
)
async def read_review(
    book_id: UUID, review_id: UUID, reviews: ReviewsService
) -> ReviewDetails:
    """The review of this id."""
    review = await review_of(reviews.engine, book_id, review_id)
    if review is None:
        raise HTTPException(404, f"the book {book_id} has no review {review_id}")
    return ReviewDetails.model_validate(review, from_attributes=True)


def unknown_book(book_id: UUID) -> HTTPException:
    # The club's events reach the service a moment after the club has
    # committed them: a book registered just now may be unknown here yet.
    return HTTPException(
        404,
        f"no book has the id {book_id}, or the reviews service has not heard of it yet",
    )


def create_app(reviews: Reviews) -> FastAPI:
    """The HTTP API of the service; it is closed when the server stops."""
    return create_api(reviews, router, title="Reviews", max_body_size=MAX_BODY_SIZE)


APP_FACTORY = "reviews.entrypoints.web:app_from_environment"


def app_from_environment() -> FastAPI:
    """The API of the reviews service, as the environment sets it: for uvicorn."""
    return app_for(Settings(), bootstrap, create_app, name="reviews")


def main(argv: Sequence[str] | None = None) -> int:
    return run_command(
        argv,
        COMMAND_LINE,
        bootstrap,
        prog="python -m reviews.entrypoints.web",
        description="Serve the reviews service's HTTP API, until SIGTERM or SIGINT.",
        app_factory=APP_FACTORY,
        port=8001,
    )


if __name__ == "__main__":
    raise SystemExit(main())
