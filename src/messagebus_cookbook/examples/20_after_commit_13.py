"""A reviewer who leaves an address is told, once the review is committed."""

import socket
import time
from collections.abc import Callable
from uuid import UUID

import pytest
from messagebus import AsyncMessageBus
from result import Ok
from sqlalchemy.ext.asyncio import AsyncEngine

from reviews.adapters.mail import SMTPMailer
from reviews.adapters.orm import outbox, reviews
from reviews.domain.messages import AddReview
from reviews.service.unit_of_work import AbstractUnitOfWork
from tests.reviews.conftest import Mailbox, add, rows


def alice_reviews(book_id: UUID) -> AddReview:
    return AddReview(
        book_id=book_id,
        reviewer="Alice",
        rating=5,
        text="The book that named the patterns.",
        reviewer_email="alice@example.com",
    )


async def test_the_reviewer_is_told_once_the_review_is_committed(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    mailbox: Mailbox,
) -> None:
    result = await add(
        alice_reviews(known_book), reviews_bus, unit_of_work, mailbox.mailer()
    )

    assert result == Ok(None)
    [mail] = mailbox.received
    assert mail["From"] == "reviews@reading-club.example"
    assert mail["To"] == "alice@example.com"
    assert mail["Subject"] == "Thank you for your review of Domain Driven Design"
    assert mail.get_content().rstrip() == (
        "Alice, your review of Domain Driven Design counts from now on: 5/5."
    )


async def test_a_rolled_back_review_sends_no_mail(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    mailbox: Mailbox,
) -> None:
    async with unit_of_work() as transaction:
        result = await reviews_bus.handle(
            alice_reviews(known_book), transaction, mailer=mailbox.mailer()
        )
        assert result == Ok(None)
        await transaction.rollback()

    assert mailbox.received == []


async def test_a_reviewer_without_an_address_gets_no_mail(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    mailbox: Mailbox,
) -> None:
    review = alice_reviews(known_book).model_copy(update={"reviewer_email": None})

    assert await add(review, reviews_bus, unit_of_work, mailbox.mailer()) == Ok(None)
    assert mailbox.received == []


async def test_a_refused_mail_leaves_the_review_committed(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
    refusing_mailbox: Mailbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    review = alice_reviews(known_book)

    result = await add(review, reviews_bus, unit_of_work, refusing_mailbox.mailer())

    assert result == Ok(None)
    found = await rows(reviews_engine, [reviews, outbox])
    assert [row["id"] for row in found["reviews"]] == [review.id]
    assert len(found["outbox"]) == 1
    assert "Try again later" in caplog.text


async def test_a_silent_mail_server_delays_a_review_by_its_timeout_only(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    review = alice_reviews(known_book)
    # It takes the connection, and never says a word.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        mailer = SMTPMailer("127.0.0.1", port, "reviews@reading-club.example", 0.5)
        started = time.monotonic()

        result = await add(review, reviews_bus, unit_of_work, mailer)

    assert result == Ok(None)
    assert time.monotonic() - started < 2
    found = await rows(reviews_engine, [reviews])
    assert [row["id"] for row in found["reviews"]] == [review.id]
    assert "timed out" in caplog.text
