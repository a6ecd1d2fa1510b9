"""The read model, dropped and made again from what the service has recorded."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from read_models.rebuild import empty_for_rebuild, fill
from read_models.recorded import recorded_events
from reviews.adapters.orm import books, outbox, review_summaries
from reviews.adapters.queries import row_of
from reviews.domain.messages import BookReviewed
from reviews.service.read_model import ReviewSummary

# The envelopes of the events the read model counts, as the outbox keeps them.
COUNTED = {"book_reviewed_v1": BookReviewed}
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
    it. A review locks its summary before it writes the outbox: once the
    summaries are emptied, every review is in the outbox, or waits.
    Queries read the former summaries until the commit.
    """
    async with engine.begin() as connection:
        await empty_for_rebuild(connection, review_summaries)
        result = await connection.execute(select(books.c.id, books.c.title))
        summaries = {
            book.id: ReviewSummary(book_id=book.id, title=book.title) for book in result
        }
        reviews = 0
        events = recorded_events(connection, outbox, COUNTED, batch_size=BATCH_SIZE)
        async for event in events:
            summary = summaries.get(event.book_id)
            if summary is None:
                raise LookupError(f"review {event.id} is of an unknown book")
            summaries[event.book_id] = summary.with_review(event)
            reviews += 1
        await fill(
            connection,
            review_summaries,
            [row_of(summary) for summary in summaries.values()],
        )
    return Rebuilt(books=len(summaries), reviews=reviews)
