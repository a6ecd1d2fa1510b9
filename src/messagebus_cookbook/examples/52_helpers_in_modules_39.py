"""The read model: the summary of each book's reviews, kept by the events."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import pytest
from messagebus import AsyncMessageBus
from result import Ok
from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncEngine

from idempotent_consumer.consumer import Consumer
from reviews.adapters.orm import review_summaries
from reviews.adapters.queries import review_summary
from reviews.adapters.rebuild import Rebuilt, rebuild_summaries
from reviews.domain.messages import AddReview
from reviews.service.read_model import ReviewSummary
from reviews.service.unit_of_work import AbstractUnitOfWork
from tests.reviews.commands import add
from tests.reviews.envelopes import DOMAIN_DRIVEN_DESIGN_ID
from tests.reviews.tables import rows

RATINGS = [("Alice", 5), ("Bob", 3), ("Carol", 4), ("Dan", 2)]


def review(book_id: UUID, reviewer: str, rating: int) -> AddReview:
    return AddReview(
        book_id=book_id, reviewer=reviewer, rating=rating, text=f"{reviewer}'s view."
    )


async def test_the_read_model_catches_up_when_the_event_is_handled(
    envelope: dict[str, str],
    consumer: Consumer[AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    # The event of a book the club has registered, not handled here yet.
    assert await review_summary(reviews_engine, DOMAIN_DRIVEN_DESIGN_ID) is None

    await consumer.consume(envelope)

    summary = await review_summary(reviews_engine, DOMAIN_DRIVEN_DESIGN_ID)
    assert summary == ReviewSummary(
        book_id=DOMAIN_DRIVEN_DESIGN_ID, title="Domain Driven Design"
    )
    assert summary.average_rating is None


async def test_each_review_is_counted_in_the_summary_of_its_book(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    for reviewer, rating in RATINGS:
        result = await add(
            review(known_book, reviewer, rating), reviews_bus, unit_of_work
        )
        assert result == Ok(None)

    summary = await review_summary(reviews_engine, known_book)
    assert summary is not None
    assert (summary.reviews, summary.average_rating) == (4, 3.5)
    # The three newest, the newest first.
    assert [(latest.reviewer, latest.rating) for latest in summary.latest] == [
        ("Dan", 2),
        ("Carol", 4),
        ("Bob", 3),
    ]


async def test_the_rebuilt_read_model_equals_the_live_one(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Batches of 2 rows: the rebuild reads the outbox in several of them.
    monkeypatch.setattr("reviews.adapters.rebuild.BATCH_SIZE", 2)
    for reviewer, rating in RATINGS:
        await add(review(known_book, reviewer, rating), reviews_bus, unit_of_work)
    live = await rows(reviews_engine, [review_summaries])
    async with reviews_engine.begin() as connection:
        await connection.execute(delete(review_summaries))

    assert await rebuild_summaries(reviews_engine) == Rebuilt(books=1, reviews=4)
    assert await rows(reviews_engine, [review_summaries]) == live
    # A second rebuild changes nothing.
    assert await rebuild_summaries(reviews_engine) == Rebuilt(books=1, reviews=4)
    assert await rows(reviews_engine, [review_summaries]) == live


@pytest.mark.parametrize("reviews_database", ["postgresql"], indirect=True)
async def test_a_review_added_during_a_rebuild_is_counted(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
) -> None:
    await add(review(known_book, "Alice", 5), reviews_bus, unit_of_work)
    async with reviews_engine.connect() as connection:
        await connection.execute(text("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE"))
        # The rebuild deletes the summaries, then waits to read the outbox.
        rebuild = asyncio.create_task(rebuild_summaries(reviews_engine))
        await sessions_waiting_for_a_lock(1, reviews_engine)
        # Bob's review comes in meanwhile, and waits to count itself.
        bob = asyncio.create_task(
            add(review(known_book, "Bob", 3), reviews_bus, unit_of_work)
        )
        await sessions_waiting_for_a_lock(2, reviews_engine)
        await connection.rollback()

    assert await rebuild == Rebuilt(books=1, reviews=1)
    assert await bob == Ok(None)
    summary = await review_summary(reviews_engine, known_book)
    assert summary is not None
    assert [latest.reviewer for latest in summary.latest] == ["Bob", "Alice"]


async def sessions_waiting_for_a_lock(
    count: int, engine: AsyncEngine, timeout: float = 10
) -> None:
    """Return once ``count`` sessions of the database wait for a lock."""
    # A session waiting for a row waits for the transaction that holds it:
    # a lock of no database. Its session tells which one it is in.
    waiting = text(
        "SELECT count(*) FROM pg_locks JOIN pg_stat_activity USING (pid)"
        " WHERE NOT granted AND datname = current_database()"
    )
    deadline = time.monotonic() + timeout
    async with engine.connect() as connection:
        while await connection.scalar(waiting) < count:
            assert time.monotonic() < deadline, f"{count} sessions do not wait"
            # A transaction sees the sessions as they were at its start.
            await connection.rollback()
            await asyncio.sleep(0.05)


def without_settings() -> dict[str, str]:
    """The environment of the tests, without the service's own settings."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("REVIEWS_")
    }


@pytest.mark.parametrize("reviews_database", ["sqlite"], indirect=True)
async def test_python_m_reviews_rebuild(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
    reviews_database: str,
) -> None:
    await add(review(known_book, "Alice", 5), reviews_bus, unit_of_work)
    live = await rows(reviews_engine, [review_summaries])
    async with reviews_engine.begin() as connection:
        await connection.execute(delete(review_summaries))

    rebuild = subprocess.run(
        [sys.executable, "-m", "reviews.entrypoints.rebuild"],
        env={**without_settings(), "REVIEWS_DATABASE_URL": reviews_database},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert rebuild.returncode == 0, rebuild.stderr
    assert rebuild.stdout == "rebuilt the summaries of 1 book from 1 review\n"
    assert await rows(reviews_engine, [review_summaries]) == live


def test_python_m_reviews_rebuild_on_a_database_not_migrated(tmp_path: Path) -> None:
    empty = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"

    rebuild = subprocess.run(
        [sys.executable, "-m", "reviews.entrypoints.rebuild"],
        env={**without_settings(), "REVIEWS_DATABASE_URL": empty},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert rebuild.returncode == 1
    assert rebuild.stderr.startswith(
        "python -m reviews.entrypoints.rebuild: nothing changed"
    )
    assert "no such table: review_summaries" in rebuild.stderr


@pytest.mark.parametrize("reviews_database", ["postgresql"], indirect=True)
async def test_a_rebuild_stopped_by_sigterm_changes_nothing(
    known_book: UUID,
    reviews_bus: AsyncMessageBus[AbstractUnitOfWork],
    unit_of_work: Callable[[], AbstractUnitOfWork],
    reviews_engine: AsyncEngine,
    reviews_database: str,
) -> None:
    await add(review(known_book, "Alice", 5), reviews_bus, unit_of_work)
    before = await rows(reviews_engine, [review_summaries])
    async with reviews_engine.connect() as connection:
        await connection.execute(text("LOCK TABLE books IN ACCESS EXCLUSIVE MODE"))
        # The rebuild deletes the summaries, then waits to read the books.
        rebuild = subprocess.Popen(
            [sys.executable, "-m", "reviews.entrypoints.rebuild"],
            env={**without_settings(), "REVIEWS_DATABASE_URL": reviews_database},
        )
        await sessions_waiting_for_a_lock(1, reviews_engine)

        rebuild.send_signal(signal.SIGTERM)

        assert rebuild.wait(timeout=5) == -signal.SIGTERM
        await connection.rollback()
    assert await rows(reviews_engine, [review_summaries]) == before
