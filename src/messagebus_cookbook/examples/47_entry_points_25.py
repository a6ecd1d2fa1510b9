"""How long the read model of the reviews service takes to rebuild, on PostgreSQL.

    python benchmarks/rebuild.py [--reviews N] [--books N]

It starts a PostgreSQL server of its own, has the service register the books
and add the reviews, then drops the read model and rebuilds it, and stops the
server before it ends. Every figure is one run on one machine: run it on yours.
"""

import argparse
import asyncio
import time

from lastuuid import uuid7

# benchmarks/relay.py, beside this file: the same server.
from relay import postgresql
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from after_commit.mail import AbstractMailer, Mail
from reviews.adapters.orm import create_engine, metadata, review_summaries
from reviews.adapters.rebuild import rebuild_summaries
from reviews.adapters.uow import SQLUnitOfWork
from reviews.bootstrap import Reviews
from reviews.domain.messages import AddReview, BookRegistered
from reviews.entrypoints.rebuild import counted
from reviews.service.unit_of_work import AbstractUnitOfWork

# Reviews added per transaction, while the benchmark fills the database.
REVIEWS_PER_TRANSACTION = 500


class NoMail(AbstractMailer):
    """The benchmark's reviewers leave no address: no mail is ever sent."""

    async def send(self, mail: Mail) -> None:
        raise AssertionError(f"the benchmark sends no mail, not {mail.subject!r}")


def unit_of_work(engine: AsyncEngine) -> AbstractUnitOfWork:
    return SQLUnitOfWork(engine)


async def fill(engine: AsyncEngine, books: int, reviews: int) -> None:
    """The books, then the reviews, handled by the service's bus."""
    bus = Reviews.create_bus()
    book_ids = [uuid7() for _ in range(books)]
    async with unit_of_work(engine) as transaction:
        for number, book_id in enumerate(book_ids):
            registered = BookRegistered(
                id=book_id, isbn="9780321125217", title=f"Book {number}", authors=[]
            )
            # The bus handles events as well; its type hints name commands only.
            await bus.handle(registered, transaction)  # type: ignore[arg-type]
        await transaction.commit()
    for first in range(0, reviews, REVIEWS_PER_TRANSACTION):
        async with unit_of_work(engine) as transaction:
            mailer = NoMail()
            for number in range(first, min(first + REVIEWS_PER_TRANSACTION, reviews)):
                review = AddReview(
                    book_id=book_ids[number % books],
                    reviewer=f"Reviewer {number}",
                    rating=number % 5 + 1,
                    text="A review.",
                )
                await bus.handle(review, transaction, mailer=mailer)
            await transaction.commit()


async def summaries(engine: AsyncEngine) -> list[tuple[object, ...]]:
    async with engine.connect() as connection:
        result = await connection.execute(
            select(review_summaries).order_by(review_summaries.c.book_id)
        )
        return [tuple(row) for row in result]


async def benchmark(database_url: str, books: int, reviews: int) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        await fill(engine, books, reviews)
        live = await summaries(engine)
        async with engine.begin() as connection:
            await connection.execute(delete(review_summaries))

        started = time.perf_counter()
        rebuilt = await rebuild_summaries(engine)
        elapsed = time.perf_counter() - started

        if await summaries(engine) != live:
            raise SystemExit("the rebuilt read model differs from the live one")
        print(
            f"rebuilt the summaries of {counted(rebuilt.books, 'book')} from "
            f"{counted(rebuilt.reviews, 'review')} in {elapsed:.1f} s, on PostgreSQL"
        )
    finally:
        await engine.dispose()


def positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reviews", type=positive, default=10_000, help="default: 10000"
    )
    parser.add_argument("--books", type=positive, default=100, help="default: 100")
    arguments = parser.parse_args()
    with postgresql() as database_url:
        asyncio.run(benchmark(database_url, arguments.books, arguments.reviews))


if __name__ == "__main__":
    main()
