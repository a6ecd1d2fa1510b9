"""The read model, dropped and made again from what the service has recorded."""

import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from reviews.adapters.orm import books, outbox, review_summaries
from reviews.adapters.queries import row_of
from reviews.domain.messages import BookReviewed
from reviews.service.read_model import ReviewSummary

# The envelopes of the events the read model counts, as the outbox keeps them.
BOOK_REVIEWED = "book_reviewed_v1"
# The outbox rows read at a time: memory grows with the books, not the reviews.
BATCH_SIZE = 500


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild counted."""

    books: int
    reviews: int


async def rebuild_summaries(engine: AsyncEngine) -> Rebuilt:
    """Make every summary again, in one transaction.

    A summary for each book the service knows, and each ``book_reviewed``
    event of the outbox, sent or not, counted as the live handler counts
    it. Queries read the former summaries until the commit.
    """
    async with engine.begin() as connection:
        await connection.execute(delete(review_summaries))
        result = await connection.execute(select(books.c.id, books.c.title))
        summaries = {
            book.id: ReviewSummary(book_id=book.id, title=book.title) for book in result
        }
        reviews = 0
        async for event in book_reviewed_events(connection):
            summary = summaries.get(event.book_id)
            if summary is None:
                raise LookupError(f"review {event.id} is of an unknown book")
            summaries[event.book_id] = summary.with_review(event)
            reviews += 1
        if summaries:
            await connection.execute(
                review_summaries.insert(),
                [row_of(summary) for summary in summaries.values()],
            )
    return Rebuilt(books=len(summaries), reviews=reviews)


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
            type = row.envelope["type"]
            if type == BOOK_REVIEWED:
                yield event_of(row.envelope)
            elif type.startswith("book_reviewed_"):
                raise ValueError(f"{type}: the rebuild reads {BOOK_REVIEWED} only")
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
