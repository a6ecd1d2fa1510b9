"""Which errors of the database pass, and are worth trying again."""

import asyncio
import sqlite3
from collections.abc import Iterator

from sqlalchemy.exc import DBAPIError

# The classes of SQLSTATE whose errors pass: connection exception (08),
# transaction rollback (40: deadlocks, serialization failures), insufficient
# resources (53: too many connections), operator intervention (57: a server
# that shuts down or starts, a statement that timed out).
PASSING_SQLSTATE_CLASSES = frozenset({"08", "40", "53", "57"})
# SQLite's words for a database, or a table, that another connection holds.
# Its error codes reach Python only from Python 3.11 on.
PASSING_SQLITE_MESSAGES = ("database is locked", "database table is locked")


def is_passing(error: BaseException) -> bool:
    """True if the same work may succeed later, unchanged.

    What the database says decides, not the Python class the driver and
    SQLAlchemy wrap it in: the SQLSTATE of PostgreSQL, SQLite's message.
    A connection that failed or was lost passes too.
    """
    for cause in causes(error):
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return True
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str):
            return sqlstate[:2] in PASSING_SQLSTATE_CLASSES
        if isinstance(cause, sqlite3.OperationalError):
            return str(cause).startswith(PASSING_SQLITE_MESSAGES)
        # asyncio.TimeoutError is an OSError since Python 3.11 only.
        if isinstance(cause, OSError | asyncio.TimeoutError):
            return True
    return False


def causes(error: BaseException) -> Iterator[BaseException]:
    """The error, then what it wraps or was raised from, and so on."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if isinstance(current, DBAPIError) and current.orig is not None:
            current = current.orig
        else:
            current = current.__cause__


def explain(error: BaseException) -> str:
    """The error in one line; the driver's own, with its SQLSTATE, if any."""
    said, code = error, ""
    # The last in the chain that has a SQLSTATE is the driver's own error.
    for cause in causes(error):
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str):
            said, code = cause, f" (SQLSTATE {sqlstate})"
    return f"{said.__class__.__name__}{code}: {' '.join(str(said).split())}"
