"""The read model, dropped and made again from what the service has recorded."""

import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from reviews.adapters.orm import books, outbox, review_summaries
from reviews.adapters.uow import SQLUnitOfWork
from reviews.domain.messages import BookReviewed
from reviews.service.handlers import summarize_review
from reviews.service.read_model import ReviewSummary
from reviews.service.unit_of_work import AbstractUnitOfWork

# The envelopes of the events the read model counts, as the outbox keeps them.
BOOK_REVIEWED = "book_reviewed_v1"
# The outbox rows read at a time: memory stays flat, whatever the outbox size.
BATCH_SIZE = 500


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild counted."""

    books: int
    reviews: int


async def rebuild_summaries(engine: AsyncEngine) -> Rebuilt:
    """Make every summary again, in one transaction.

    A summary for each book the service knows, and each ``book_reviewed``
    event of the outbox, sent or not, counted by the handler that counts the
    live ones. Queries read the former summaries until the commit.
    """
    sql_unit_of_work = SQLUnitOfWork(engine)
    # The type the handlers take: any unit of work of the service.
    unit_of_work: AbstractUnitOfWork = sql_unit_of_work
    async with unit_of_work as transaction:
        connection = sql_unit_of_work.connection
        await hold_off_the_writers(connection)
        await connection.execute(delete(review_summaries))
        result = await connection.execute(select(books.c.id, books.c.title))
        known_books = result.all()
        for book in known_books:
            await transaction.summaries.save(
                ReviewSummary(book_id=book.id, title=book.title)
            )
        reviews = 0
        async for event in book_reviewed_events(connection):
            await summarize_review(event, transaction)
            reviews += 1
        await transaction.commit()
    return Rebuilt(books=len(known_books), reviews=reviews)


async def hold_off_the_writers(connection: AsyncConnection) -> None:
    """Wait for the transactions that write summaries, and hold off new ones.

    A review committed during the rebuild would be missing from it. Its
    transaction locks the summary, then writes the outbox: the same order
    here, or the two would wait for each other. SQLite has one writer at a
    time: the rebuild's first write does as much.
    """
    if connection.dialect.name == "postgresql":
        await connection.exec_driver_sql(
            "LOCK TABLE review_summaries IN EXCLUSIVE MODE"
        )
        await connection.exec_driver_sql("LOCK TABLE outbox IN SHARE MODE")


async def book_reviewed_events(
    connection: AsyncConnection,
) -> AsyncIterator[BookReviewed]:
    """The ``book_reviewed`` events of the outbox, in the order of their writes."""
    after = 0
    while True:
        result = await connection.execute(
            select(outbox.c.position, outbox.c.envelope)
            .where(outbox.c.position > after)
            .order_by(outbox.c.position)
            .limit(BATCH_SIZE)
        )
        batch = result.all()
        if not batch:
            return
        for row in batch:
            if row.envelope["type"] == BOOK_REVIEWED:
                yield event_of(row.envelope)
        after = batch[-1].position


def event_of(envelope: Mapping[str, Any]) -> BookReviewed:
    """The event that an envelope of the outbox holds."""
    return BookReviewed.model_validate(
        {
            **json.loads(envelope["payload"]),
            "message_id": envelope["id"],
            "created_at": envelope["created_at"],
        }
    )
