"""What the reviews API refuses, and what no review can make the service do."""

import json
import socket
from uuid import UUID

import pytest
from lastuuid.dummies import uuidgen
from sqlalchemy.ext.asyncio import AsyncEngine

from after_commit.mail import Mail
from reviews.adapters.orm import create_engine, reviews
from tests.reviews.mails import Mailbox
from tests.reviews.tables import rows
from tests.reviews.web import ALICE_REVIEW, READER_KEY, client_of, reviews_settings


def review_with(**changes: object) -> str:
    """The JSON text of Alice's review, with ``changes``."""
    return json.dumps(ALICE_REVIEW | changes)


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        pytest.param(
            review_with(rating=True),
            "rating",
            "Input should be a valid integer",
            id="true rating",
        ),
        pytest.param(
            review_with(rating="5"),
            "rating",
            "Input should be a valid integer",
            id="rating in a string",
        ),
        pytest.param(
            review_with(rating=4.0),
            "rating",
            "Input should be a valid integer",
            id="rating with a decimal point",
        ),
        pytest.param(
            review_with(rating=float("inf")),
            "rating",
            "Input should be a valid integer",
            id="infinite rating",
        ),
        pytest.param(
            review_with(reviewer="Alice\r\nBcc: mallory@example.com"),
            "reviewer",
            "Value error, control character '\\r' is not allowed",
            id="line break in reviewer",
        ),
        pytest.param(
            review_with(text="The book that named the patterns.\u0000"),
            "text",
            "Value error, control character '\\x00' is not allowed",
            id="NUL in text",
        ),
        pytest.param(
            review_with(text="\ud800"),
            "text",
            "Input should be a valid string, unable to parse raw data as a unicode "
            "string",
            id="lone surrogate in text",
        ),
        pytest.param(
            review_with(text=" \n "),
            "text",
            "String should have at least 1 character",
            id="blank text",
        ),
        pytest.param(
            review_with(text="x" * 10_001),
            "text",
            "String should have at most 10000 characters",
            id="text too long",
        ),
        pytest.param(
            review_with(reviewer_email="alice@example.com\r\nBcc: mallory@example.com"),
            "reviewer_email",
            "value is not a valid email address: Carriage return and line feed "
            "characters are not allowed",
            id="header in address",
        ),
    ],
)
async def test_a_bad_review_is_unprocessable(
    known_book: UUID,
    reviews_engine: AsyncEngine,
    body: str,
    field: str,
    problem: str,
) -> None:
    async with client_of(reviews_engine) as client:
        response = await client.post(
            f"/books/{known_book}/reviews",
            content=body,
            headers={"Content-Type": "application/json"},
        )

    assert response.status_code == 422
    assert [
        (".".join(map(str, error["loc"][1:])), error["msg"])
        for error in response.json()["detail"]
    ] == [(field, problem)]
    assert (await rows(reviews_engine, [reviews]))["reviews"] == []


@pytest.mark.parametrize(
    ("key", "status_code"), [(None, 401), ("unknown", 401), (READER_KEY, 403)]
)
async def test_a_review_needs_a_key_with_the_right(
    known_book: UUID, reviews_engine: AsyncEngine, key: str | None, status_code: int
) -> None:
    async with client_of(reviews_engine, key=key) as client:
        response = await client.post(f"/books/{known_book}/reviews", json=ALICE_REVIEW)

    assert response.status_code == status_code
    assert (await rows(reviews_engine, [reviews]))["reviews"] == []


async def test_an_added_review_can_be_read_where_its_location_says(
    known_book: UUID, reviews_engine: AsyncEngine
) -> None:
    async with (
        client_of(reviews_engine, key=None) as anyone,
        client_of(reviews_engine) as reviewer,
    ):
        added = await reviewer.post(f"/books/{known_book}/reviews", json=ALICE_REVIEW)
        response = await anyone.get(added.headers["Location"])
        elsewhere = await anyone.get(
            f"/books/{uuidgen(2)}/reviews/{added.json()['id']}"
        )

    assert response.status_code == 200
    assert response.json() == {
        "id": added.json()["id"],
        "book_id": str(known_book),
        **ALICE_REVIEW,
    }
    # A review is found under its own book only.
    assert elsewhere.status_code == 404


async def test_a_retried_review_is_added_once(
    known_book: UUID, reviews_engine: AsyncEngine
) -> None:
    headers = {"Idempotency-Key": "0193a8e5-2b1f-7a4c-8d6e-9f0a1b2c3d4e"}
    async with client_of(reviews_engine) as client:
        first = await client.post(
            f"/books/{known_book}/reviews", json=ALICE_REVIEW, headers=headers
        )
        again = await client.post(
            f"/books/{known_book}/reviews", json=ALICE_REVIEW, headers=headers
        )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert len((await rows(reviews_engine, [reviews]))["reviews"]) == 1


async def test_the_longest_review_fits_in_a_body(
    known_book: UUID, reviews_engine: AsyncEngine
) -> None:
    # 10,000 characters of four bytes, each escaped as two \uXXXX by json.
    review = ALICE_REVIEW | {"text": "\U0001f4da" * 10_000}

    async with client_of(reviews_engine) as client:
        response = await client.post(
            f"/books/{known_book}/reviews",
            content=json.dumps(review),
            headers={"Content-Type": "application/json"},
        )

    assert response.status_code == 201, response.text


async def test_options_names_every_method_of_the_path(
    known_book: UUID, reviews_engine: AsyncEngine
) -> None:
    async with client_of(reviews_engine) as client:
        response = await client.options(f"/books/{known_book}/reviews")

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"


async def test_an_address_gets_a_few_mails_a_period(
    known_book: UUID, reviews_engine: AsyncEngine, mailbox: Mailbox
) -> None:
    settings = reviews_settings(
        smtp_host="127.0.0.1", smtp_port=mailbox.port, mails_per_address=3
    )
    addresses = ["alice@example.com", "Alice@Example.com"] * 3

    async with client_of(reviews_engine, settings) as client:
        for address in addresses:
            response = await client.post(
                f"/books/{known_book}/reviews",
                json=ALICE_REVIEW | {"reviewer_email": address},
            )
            assert response.status_code == 201, response.text

    # Every review counts; the address got three mails of six.
    assert len((await rows(reviews_engine, [reviews]))["reviews"]) == 6
    assert len(mailbox.received) == 3


async def test_a_mail_header_cannot_be_broken(mailbox: Mailbox) -> None:
    mail = Mail(
        to="alice@example.com",
        subject="Thank you\r\nBcc: mallory@example.com",
        body="Alice, your review counts from now on.",
    )

    with pytest.raises(ValueError, match="linefeed or carriage return"):
        await mailbox.mailer().send(mail)
    assert mailbox.received == []


async def test_a_database_that_is_down_is_a_503(known_book: UUID) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = create_engine(f"postgresql+asyncpg://reviews@127.0.0.1:{port}/reviews")

    async with client_of(engine) as client:
        response = await client.post(f"/books/{known_book}/reviews", json=ALICE_REVIEW)
    await engine.dispose()

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
