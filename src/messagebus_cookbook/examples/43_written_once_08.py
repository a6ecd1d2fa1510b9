"""The unit of work of the reviews service on its SQL database."""

from datetime import datetime, timedelta, timezone
from uuid import UUID

from messagebus import AsyncAbstractMessageStoreRepository
from messagebus.ports.observability import AbstractMetricsStore
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from http_edges.kept_responses import SQLKeptResponses
from idempotent_consumer.stores import SQLDeadLetters, SQLInbox
from reviews.adapters.orm import (
    books,
    dead_letters,
    inbox,
    kept_responses,
    mail_quota,
    outbox,
    review_summaries,
    reviews,
    stream_keys,
)
from reviews.adapters.queries import row_of, summary_of
from reviews.domain.model import Book, Review
from reviews.service.read_model import AbstractReviewSummaries, ReviewSummary
from reviews.service.repositories import (
    AbstractBookRepository,
    AbstractMailQuota,
    AbstractReviewRepository,
)
from reviews.service.unit_of_work import AbstractUnitOfWork
from sql_database import unit_of_work
from sql_database.unit_of_work import SQLRepository
from structured_logs.context import correlation_id
from transactional_outbox.table import OutboxStore


class SQLBookRepository(SQLRepository, AbstractBookRepository):
    async def add(self, model: Book) -> None:
        await self.connection.execute(
            books.insert().values(id=model.id, title=model.title)
        )
        self.seen.append(model)

    async def by_id(self, id: UUID) -> Book | None:
        result = await self.connection.execute(select(books).where(books.c.id == id))
        row = result.one_or_none()
        return None if row is None else Book(id=row.id, title=row.title)


class SQLReviewRepository(SQLRepository, AbstractReviewRepository):
    async def add(self, model: Review) -> None:
        await self.connection.execute(
            reviews.insert().values(
                id=model.id,
                book_id=model.book_id,
                reviewer=model.reviewer,
                rating=model.rating,
                text=model.text,
            )
        )
        self.seen.append(model)


class SQLReviewSummaries(SQLRepository, AbstractReviewSummaries):
    async def for_update(self, book_id: UUID) -> ReviewSummary | None:
        # The row stays locked: two reviews of a book are counted one after
        # the other, never from the same summary.
        result = await self.connection.execute(
            select(review_summaries)
            .where(review_summaries.c.book_id == book_id)
            .with_for_update()
        )
        row = result.one_or_none()
        return None if row is None else summary_of(row)

    async def save(self, summary: ReviewSummary) -> None:
        result = await self.connection.execute(
            update(review_summaries)
            .where(review_summaries.c.book_id == summary.book_id)
            .values(row_of(summary))
        )
        if result.rowcount == 0:
            await self.connection.execute(
                review_summaries.insert().values(row_of(summary))
            )


class SQLMailQuota(AbstractMailQuota):
    """At most ``limit`` mails per address in each period of ``period``."""

    def __init__(
        self, connection: AsyncConnection, limit: int, period: timedelta
    ) -> None:
        self.connection = connection
        self.limit = limit
        self.period = period

    async def take(self, address: str) -> bool:
        now = datetime.now(timezone.utc).timestamp()
        seconds = self.period.total_seconds()
        period_start = datetime.fromtimestamp(now - now % seconds, timezone.utc)
        dialect = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        # One statement: two reviews at once count two mails, never one.
        insert = dialect.insert(mail_quota).values(
            address=address.lower(), period_start=period_start, mails=1
        )
        result = await self.connection.execute(
            insert.on_conflict_do_update(
                index_elements=[mail_quota.c.address, mail_quota.c.period_start],
                set_={"mails": mail_quota.c.mails + 1},
            ).returning(mail_quota.c.mails)
        )
        mails: int = result.scalar_one()
        return mails <= self.limit


class SQLUnitOfWork(
    unit_of_work.SQLUnitOfWork[
        AbstractBookRepository, AsyncAbstractMessageStoreRepository
    ],
    AbstractUnitOfWork,
):
    """The service's repositories, on the connection of each transaction."""

    messagestore: OutboxStore

    def __init__(
        self,
        engine: AsyncEngine,
        metrics_store: AbstractMetricsStore | None = None,
        mails_per_address: int = 3,
        mail_period: timedelta = timedelta(days=1),
    ) -> None:
        super().__init__(engine, metrics_store)
        self.mails_per_address = mails_per_address
        self.mail_period = mail_period

    def open_repositories(self, connection: AsyncConnection) -> None:
        self.books = SQLBookRepository(connection)
        self.reviews = SQLReviewRepository(connection)
        self.summaries = SQLReviewSummaries(connection)
        self.messagestore = OutboxStore(connection, outbox, stream_keys, correlation_id)
        self.inbox = SQLInbox(connection, inbox)
        self.dead_letters = SQLDeadLetters(connection, dead_letters)
        self.mail_quota = SQLMailQuota(
            connection, self.mails_per_address, self.mail_period
        )
        self.responses = SQLKeptResponses(connection, kept_responses)
