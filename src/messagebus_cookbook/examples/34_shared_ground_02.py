"""The engine of a service's database, for any database SQLAlchemy knows."""

from typing import Any

from sqlalchemy import URL, Connection, event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# Seconds to connect to PostgreSQL, and for a statement to answer.
CONNECT_TIMEOUT = 5.0
STATEMENT_TIMEOUT = 30.0


def create_engine(
    url: str | URL,
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    statement_timeout: float | None = STATEMENT_TIMEOUT,
    **options: Any,
) -> AsyncEngine:
    """An engine whose connections give up in time and are checked before use.

    On PostgreSQL (asyncpg), a connection and a statement give up after
    their timeouts, in seconds (None: a statement may take as long as it
    takes): a database that is away is an error in seconds, not a request
    that hangs. ``connect_args`` given for the driver keep the timeouts,
    unless they name their own. A pooled connection is checked before use:
    a restart of the database ends it. On SQLite, which has no such
    timeouts, a transaction begins when SQLAlchemy begins it, so that
    savepoints work.
    """
    options.setdefault("pool_pre_ping", True)
    if make_url(url).get_backend_name() == "postgresql":
        options["connect_args"] = {
            "timeout": connect_timeout,
            "command_timeout": statement_timeout,
            **options.get("connect_args", {}),
        }
    engine = create_async_engine(url, **options)
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
