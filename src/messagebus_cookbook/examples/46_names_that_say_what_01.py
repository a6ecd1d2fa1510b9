"""The unit of work on a SQL database: one connection, one transaction."""

from typing import Any
from uuid import UUID

from messagebus import (
    AsyncAbstractMessageStoreRepository,
    Message,
)
from result import Err, Ok
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from http_edges.kept_responses import SQLKeptResponses
from reading_club.adapters.orm import (
    books,
    kept_responses,
    messages,
    outbox,
    stream_keys,
)
from reading_club.domain.model import Book
from reading_club.service.repositories import (
    AbstractBookRepository,
    BookRepositoryError,
    BookRepositoryOperationResult,
    BookRepositoryResult,
)
from reading_club.service.unit_of_work import AbstractUnitOfWork
from sql_database import unit_of_work
from sql_database.unit_of_work import SQLRepository
from structured_logs.context import correlation_id
from transactional_outbox.table import OutboxStore


class SQLBookRepository(SQLRepository, AbstractBookRepository):
    """Books in the books table, on the connection of a transaction."""

    async def add(self, model: Book) -> BookRepositoryOperationResult:
        try:
            # A savepoint: a refused insert undoes itself, not the transaction.
            async with self.connection.begin_nested():
                await self.connection.execute(
                    books.insert().values(
                        id=model.id,
                        title=model.title,
                        authors=model.authors,
                        isbn=model.isbn,
                    )
                )
        except IntegrityError:
            return Err(BookRepositoryError.integrity_error)
        self.seen.append(model)
        return Ok(None)

    async def by_id(self, id: UUID) -> BookRepositoryResult:
        result = await self.connection.execute(select(books).where(books.c.id == id))
        row = result.one_or_none()
        if row is None:
            return Err(BookRepositoryError.not_found)
        return Ok(Book(id=row.id, title=row.title, authors=row.authors, isbn=row.isbn))


class SQLMessageStore(OutboxStore):
    """Every message the bus handles in a table; those it publishes, in the outbox."""

    async def _add(self, message: Message[Any]) -> None:
        await self.connection.execute(
            messages.insert().values(
                message_id=message.message_id,
                created_at=message.created_at,
                name=message.metadata.name,
                schema_version=message.metadata.schema_version,
                payload=message.model_dump(
                    mode="json", exclude={"message_id", "created_at", "metadata"}
                ),
            )
        )
        await super()._add(message)


class SQLUnitOfWork(
    unit_of_work.SQLUnitOfWork[
        AbstractBookRepository, AsyncAbstractMessageStoreRepository
    ],
    AbstractUnitOfWork,
):
    """The club's repositories, on the connection of each transaction."""

    books: SQLBookRepository
    messagestore: SQLMessageStore
    responses: SQLKeptResponses

    def open_repositories(self, connection: AsyncConnection) -> None:
        self.books = SQLBookRepository(connection)
        self.messagestore = SQLMessageStore(
            connection, outbox, stream_keys, correlation_id
        )
        self.responses = SQLKeptResponses(connection, kept_responses)
