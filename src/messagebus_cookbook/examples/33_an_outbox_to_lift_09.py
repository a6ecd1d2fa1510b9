"""The tables of the reading club, written with SQLAlchemy Core."""

from typing import Any

from sqlalchemy import (
    JSON,
    URL,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    event,
    make_url,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from http_edges.kept_responses import kept_responses_table
from reading_club.domain.messages import BookRegistered
from transactional_outbox.table import StreamKeys, UTCDateTime, outbox_table

# Seconds to connect to PostgreSQL, and for a statement to answer.
CONNECT_TIMEOUT = 5.0
STATEMENT_TIMEOUT = 30.0

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

outbox = outbox_table(metadata)
# The events of a book reach the stream in the order they were written.
stream_keys = StreamKeys({BookRegistered: "id"})

kept_responses = kept_responses_table(metadata)


def create_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    """The engine of the unit of work, for any database SQLAlchemy knows.

    On PostgreSQL, a connection and a statement give up in time: a database
    that is away is a 503 in seconds, not a request that hangs. A pooled
    connection is checked before use: a restart of the database ends it.
    """
    kwargs.setdefault("pool_pre_ping", True)
    if make_url(url).get_backend_name() == "postgresql":
        kwargs.setdefault(
            "connect_args",
            {"timeout": CONNECT_TIMEOUT, "command_timeout": STATEMENT_TIMEOUT},
        )
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
