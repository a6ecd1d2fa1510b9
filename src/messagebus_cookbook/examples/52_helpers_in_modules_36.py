"""A reviewer who leaves an address is told, once the review is committed."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from messagebus import AsyncMessageBus
from result import Ok
from sqlalchemy.ext.asyncio import AsyncEngine

from after_commit.mail import SMTPMailer
from http_edges.server import GRACEFUL_SHUTDOWN_TIMEOUT
from reviews.adapters.orm import outbox, reviews
from reviews.domain.messages import AddReview
from reviews.service.unit_of_work import AbstractUnitOfWork
from tests.reviews.commands import add
from tests.reviews.mails import Mailbox
from tests.reviews.processes import PROJECT
from tests.reviews.tables import rows
from tests.reviews.web import API_KEYS, REVIEWER_KEY


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


async def start_web(
    database_url: str, smtp_port: int, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """The reviews' API on a free port, once it serves: the process, its URL.

    It runs as ``python -m reviews.entrypoints.web``.

    Its SMTP server is ``127.0.0.1:smtp_port``, with a timeout of half a second.
    """
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("REVIEWS_")
    }
    environment["REVIEWS_DATABASE_URL"] = database_url
    environment["REVIEWS_SMTP_HOST"] = "127.0.0.1"
    environment["REVIEWS_SMTP_PORT"] = str(smtp_port)
    environment["REVIEWS_SMTP_TIMEOUT"] = "0.5"
    environment["REVIEWS_API_KEYS"] = json.dumps(API_KEYS)
    with log.open("wb") as output:
        web = subprocess.Popen(
            [sys.executable, "-m", "reviews.entrypoints.web", "--port", "0"],
            cwd=PROJECT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while "Uvicorn running on " not in (printed := log.read_text()):
        if time.monotonic() > deadline or web.poll() is not None:
            web.kill()
            web.wait()
            pytest.fail(
                f"python -m reviews.entrypoints.web did not start in 30 s:\n{printed}"
            )
        await asyncio.sleep(0.1)
    return web, printed.split("Uvicorn running on ")[1].split()[0]


@pytest.mark.parametrize("reviews_database", ["sqlite"], indirect=True)
async def test_a_server_stopped_while_a_mail_waits_answers_then_stops(
    known_book: UUID, reviews_database: str, tmp_path: Path
) -> None:
    log = tmp_path / "web.log"
    with socket.create_server(("127.0.0.1", 0)) as silent:
        web, url = await start_web(reviews_database, silent.getsockname()[1], log)
        try:
            async with httpx.AsyncClient(
                base_url=url,
                timeout=10,
                headers={"Authorization": f"Bearer {REVIEWER_KEY}"},
            ) as client:
                posting = asyncio.create_task(
                    client.post(
                        f"/books/{known_book}/reviews",
                        json={
                            "reviewer": "Alice",
                            "rating": 5,
                            "text": "The book that named the patterns.",
                            "reviewer_email": "alice@example.com",
                        },
                    )
                )
                silent.settimeout(10)
                # The mail is on its way once the SMTP server has its connection.
                mail_connection, _ = await asyncio.to_thread(silent.accept)
                with mail_connection:
                    web.send_signal(signal.SIGTERM)
                    stopping = time.monotonic()
                    response = await posting
                    status = await asyncio.to_thread(web.wait, 10)
                    stopped_in = time.monotonic() - stopping
        finally:
            if web.poll() is None:
                web.kill()
                web.wait()

    assert response.status_code == 201, response.text
    assert status == -signal.SIGTERM
    assert stopped_in < GRACEFUL_SHUTDOWN_TIMEOUT
    # The server waited for the mail, which gave up on its own.
    assert "failed after the commit" in log.read_text()
