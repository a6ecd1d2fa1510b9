"""The tables of the reading club, written with SQLAlchemy Core."""

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    URL,
    BigInteger,
    Column,
    Connection,
    DateTime,
    Dialect,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    Uuid,
    event,
    func,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored in UTC, read back aware and in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value!r} has no time zone")
        return value.astimezone(timezone.utc)

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            # SQLite keeps no time zone; what it gives back was stored in UTC.
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


metadata = MetaData()

books = Table(
    "books",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String, nullable=False),
    Column("authors", JSON, nullable=False),
    Column("isbn", String, nullable=False, unique=True),
)

messages = Table(
    "messages",
    metadata,
    Column("message_id", Uuid, primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("name", String, nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("payload", JSON, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    # The order of the inserts (SQLite numbers INTEGER primary keys only).
    Column(
        "position",
        BigInteger().with_variant(Integer, "sqlite"),
        Identity(),
        primary_key=True,
    ),
    Column("message_id", Uuid, nullable=False, unique=True),
    # The rows of one key are sent in order: a book's events share its id.
    Column("stream_key", String, nullable=False),
    Column("envelope", JSON, nullable=False),
    Column("status", String, nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime, nullable=False, server_default=func.now()),
    Column("last_error", String),
    Column("sent_at", UTCDateTime),
    # What the relay looks for: the pending rows, by key and position.
    Index(
        "outbox_pending",
        "stream_key",
        "position",
        postgresql_where=text("status = 'pending'"),
    ),
)


def create_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    """The engine of the unit of work, for any database SQLAlchemy knows."""
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_leave_begin_to_us)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def _sqlite_leave_begin_to_us(dbapi_connection: Any, connection_record: Any) -> None:
    # sqlite3 sends BEGIN before INSERT, UPDATE and DELETE only, never before
    # a SAVEPOINT: stop it sending BEGIN at all...
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Connection) -> None:
    # ...and send it ourselves, whenever SQLAlchemy begins a transaction.
    connection.exec_driver_sql("BEGIN")
