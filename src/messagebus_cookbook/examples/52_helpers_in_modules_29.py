"""The HTTP API of the reviews service, through an ASGI transport."""

from datetime import datetime
from uuid import UUID

import pytest
from lastuuid.dummies import uuidgen
from sqlalchemy.ext.asyncio import AsyncEngine

from idempotent_consumer.consumer import Consumer
from reviews.adapters.orm import reviews
from reviews.service.unit_of_work import AbstractUnitOfWork
from tests.reviews.mails import Mailbox
from tests.reviews.tables import rows
from tests.reviews.web import ALICE_REVIEW, client_of, reviews_settings


async def test_a_review_is_added(
    envelope: dict[str, str],
    consumer: Consumer[AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    await consumer.consume(envelope)
    book_id = "00000001-0000-0000-0000-000000000000"

    async with client_of(reviews_engine) as client:
        response = await client.post(f"/books/{book_id}/reviews", json=ALICE_REVIEW)

    assert response.status_code == 201, response.text
    [review] = (await rows(reviews_engine, [reviews]))["reviews"]
    assert response.json() == {"id": str(review["id"])}
    assert review["book_id"] == UUID(book_id)


async def test_a_review_of_an_unknown_book_is_not_found(
    reviews_engine: AsyncEngine,
) -> None:
    book_id = uuidgen(9)

    async with client_of(reviews_engine) as client:
        response = await client.post(f"/books/{book_id}/reviews", json=ALICE_REVIEW)

    assert response.status_code == 404
    assert response.json() == {
        "detail": f"no book has the id {book_id}, or the reviews service "
        "has not heard of it yet"
    }


async def test_a_rating_of_6_is_refused(reviews_engine: AsyncEngine) -> None:
    async with client_of(reviews_engine) as client:
        response = await client.post(
            f"/books/{uuidgen(1)}/reviews", json={**ALICE_REVIEW, "rating": 6}
        )

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "rating"]
    assert problem["msg"] == "Input should be less than or equal to 5"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  ", "String should have at least 1 character"),
        ("?" * 10_001, "String should have at most 10000 characters"),
    ],
)
async def test_a_text_blank_or_too_long_is_refused(
    text: str, message: str, reviews_engine: AsyncEngine
) -> None:
    async with client_of(reviews_engine) as client:
        response = await client.post(
            f"/books/{uuidgen(1)}/reviews", json={**ALICE_REVIEW, "text": text}
        )

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "text"]
    assert problem["msg"] == message


async def test_the_summary_of_a_book_s_reviews(
    known_book: UUID, reviews_engine: AsyncEngine
) -> None:
    async with client_of(reviews_engine) as client:
        added = await client.post(f"/books/{known_book}/reviews", json=ALICE_REVIEW)
        response = await client.get(f"/books/{known_book}/reviews")

    assert response.status_code == 200, response.text
    summary = response.json()
    [latest] = summary.pop("latest")
    assert summary == {
        "book_id": str(known_book),
        "title": "Domain Driven Design",
        "reviews": 1,
        "average_rating": 5.0,
    }
    assert datetime.fromisoformat(latest.pop("reviewed_at")).tzinfo is not None
    assert latest == {"id": added.json()["id"], **ALICE_REVIEW}


async def test_the_summary_of_an_unknown_book_is_not_found(
    reviews_engine: AsyncEngine,
) -> None:
    book_id = uuidgen(9)

    async with client_of(reviews_engine) as client:
        response = await client.get(f"/books/{book_id}/reviews")

    assert response.status_code == 404
    assert response.json() == {
        "detail": f"no book has the id {book_id}, or the reviews service "
        "has not heard of it yet"
    }


async def test_the_reviewer_is_told_by_mail(
    known_book: UUID, reviews_engine: AsyncEngine, mailbox: Mailbox
) -> None:
    settings = reviews_settings(smtp_host="127.0.0.1", smtp_port=mailbox.port)
    review = {**ALICE_REVIEW, "reviewer_email": "alice@example.com"}

    async with client_of(reviews_engine, settings) as client:
        response = await client.post(f"/books/{known_book}/reviews", json=review)

    assert response.status_code == 201, response.text
    [mail] = mailbox.received
    assert mail["To"] == "alice@example.com"


async def test_a_refused_mail_leaves_the_review_added(
    known_book: UUID, reviews_engine: AsyncEngine, refusing_mailbox: Mailbox
) -> None:
    settings = reviews_settings(smtp_host="127.0.0.1", smtp_port=refusing_mailbox.port)
    review = {**ALICE_REVIEW, "reviewer_email": "alice@example.com"}

    async with client_of(reviews_engine, settings) as client:
        response = await client.post(f"/books/{known_book}/reviews", json=review)

    # Not a 500 that a client would retry, adding the review twice.
    assert response.status_code == 201, response.text
    [added] = (await rows(reviews_engine, [reviews]))["reviews"]
    assert response.json() == {"id": str(added["id"])}


async def test_an_address_that_is_not_one_is_refused(
    reviews_engine: AsyncEngine,
) -> None:
    review = {**ALICE_REVIEW, "reviewer_email": "alice"}

    async with client_of(reviews_engine) as client:
        response = await client.post(f"/books/{uuidgen(1)}/reviews", json=review)

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "reviewer_email"]
    assert problem["msg"].startswith("value is not a valid email address")
